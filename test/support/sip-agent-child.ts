// A service stand-in for the tests: starts a BaresipSupervisor with the
// settings given as JSON, prints baresip's pid, and waits to be killed.
import { BaresipSupervisor } from '../../src/telephony/sip/baresip-supervisor';

const supervisor = new BaresipSupervisor(JSON.parse(process.argv[2]));
supervisor.start().then(
  () => console.log(`baresip ${supervisor.pid}`),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
setInterval(() => undefined, 60_000);
