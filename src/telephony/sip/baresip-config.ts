import { SipAgentSettings } from './sip-settings';

export const BARESIP_MODULE_DIR = '/usr/lib/baresip/modules';

// The `config` file of the engine's baresip. Only what a headless user agent
// needs: G.711, WAV files as the audio source, the command menu and ctrl_tcp.
// No audio player (alsa, null): unpaced playback floods the CPU, and received
// audio is not played anywhere. Accounts are created per leg over ctrl_tcp,
// so there is no `accounts` file.
export function baresipConfig(settings: SipAgentSettings, ctrlPort: number, silencePath: string): string {
  const lines: [string, string | number][] = [
    ['poll_method', 'epoll'],
    ['sip_listen', `${settings.listen.host}:${settings.listen.port}`],
    ['net_interface', settings.listen.host],
    ['rtp_ports', `${settings.rtpPorts.low}-${settings.rtpPorts.high}`],
    ['rtp_timeout', settings.rtpTimeoutSeconds],
    ['call_max_calls', 1000],
    ['call_local_timeout', 120],
    // The source of every call until a prompt replaces it.
    ['audio_source', `aufile,${silencePath}`],
    ['audio_buffer', 200],
    ['jitter_buffer_delay', '5-10'],
    ['module_path', BARESIP_MODULE_DIR],
    ['module', 'g711.so'],
    ['module', 'aufile.so'],
    ['module_app', 'menu.so'],
    ['module_app', 'ctrl_tcp.so'],
    ['ctrl_tcp_listen', `127.0.0.1:${ctrlPort}`],
    ['ringback_disabled', 'yes'],
    ['redial_attempts', 0],
    ['statmode_default', 'off'],
  ];
  return `# Written by Switchboard at each start of its SIP user agent; edits are lost.\n${lines.map(([key, value]) => `${key}\t${value}`).join('\n')}\n`;
}
