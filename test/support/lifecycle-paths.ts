// Event sequences that together take every transition of the lifecycle at
// least once, each from a start status: the e2e suite replays them over HTTP.
// @xstate/graph explores the machine from each start status with the sample
// events below; a path is the shortest route to an edge's source plus the edge.
import { getAdjacencyMap, getShortestPaths, serializeSnapshot } from '@xstate/graph';
import { CallEvent, CallSnapshot, CallStatus, START_STATUSES, applyEvent, callMachine, snapshotOf } from '../../src/calls/lifecycle/machine/call.machine';
import { lifecycleRow, lifecycleRowKey } from '../../src/calls/lifecycle/machine/lifecycle-table';

// Samples per event type. The facts the service resolves (`menuIsLeaf`,
// `agentAvailable`, `toAgentAvailable`) take both values so the graph meets
// guards that pass and guards that fail; only accepted events become edges.
export const SAMPLE_EVENTS: CallEvent[] = [
  { type: 'select_menu', menuId: 2, menuIsLeaf: false },
  { type: 'select_menu', menuId: 3, menuIsLeaf: true },
  { type: 'dispatch' },
  { type: 'cancel' },
  { type: 'reschedule', scheduledAt: '2030-01-01T10:00:00.000Z' },
  { type: 'offer', group: 'group-1' },
  { type: 'assign', agentId: 1, agentAvailable: false },
  { type: 'assign', agentId: 1, agentAvailable: true },
  { type: 'decline' },
  { type: 'connect' },
  { type: 'provider_failed', voipProvider: 'voip_provider_nexmo' },
  { type: 'retry' },
  { type: 'ringing' },
  { type: 'connected' },
  { type: 'dtmf', digits: '5' },
  { type: 'hold' },
  { type: 'unhold' },
  { type: 'transfer', toAgentId: 2, toAgentAvailable: false },
  { type: 'transfer', toAgentId: 2, toAgentAvailable: true },
  { type: 'transfer', toMenuId: 3 },
  { type: 'transfer_completed' },
  { type: 'transfer_failed', failReason: 'transfer_expired' },
  { type: 'hangup', disconnectedBy: 'disconnected_by_end_user' },
  { type: 'fail', failReason: 'voip_conn_timeout', failDetails: 'sample failure' },
  { type: 'deflect', deflection: 'over_capacity', deflectionDetails: [] },
  { type: 'start_voicemail', voicemailReason: 'over_capacity' },
  { type: 'leave_voicemail', recordingUrl: 'https://example.com/voicemail.mp3' },
  { type: 'read_voicemail', agentId: 1 },
  { type: 'finish_action_only' },
  { type: 'recover' },
];

export interface LifecycleStep {
  event: CallEvent;
  from: CallStatus;
  to: CallStatus;
  // The table row the step takes, as lifecycleRowKey writes it.
  transition: string;
}

export interface LifecyclePath {
  start: CallStatus;
  steps: LifecycleStep[];
}

const acceptedSamples = (snapshot: CallSnapshot) => SAMPLE_EVENTS.filter((event) => snapshot.can(event));

// The table row an accepted event takes from the snapshot.
function rowKeyOf(snapshot: CallSnapshot, event: CallEvent): string {
  const [definition] = callMachine.getTransitionData(snapshot, event);
  return lifecycleRowKey(lifecycleRow(definition));
}

function toSteps(start: CallSnapshot, events: CallEvent[]): LifecycleStep[] {
  let snapshot = start;
  return events.map((event) => {
    const transition = rowKeyOf(snapshot, event);
    const from = snapshot.value as CallStatus;
    const next = applyEvent(snapshot, event);
    snapshot = snapshotOf(next.status, next.context);
    return { event, from, to: next.status, transition };
  });
}

export function lifecyclePaths(): LifecyclePath[] {
  const covered = new Set<string>();
  const paths: LifecyclePath[] = [];
  for (const start of START_STATUSES) {
    const fromState = snapshotOf(start);
    const options = { fromState, events: acceptedSamples };
    // Shortest event sequence to every (status, context) the start can reach…
    const routes = new Map(
      getShortestPaths(callMachine, options).map((path) => [
        serializeSnapshot(path.state),
        // A path's first step is xstate's init event, not ours.
        path.steps.map((step) => step.event).filter((event) => (event.type as string) !== 'xstate.init'),
      ]),
    );
    // …then, for every edge not yet covered, that route plus the edge.
    for (const vertex of Object.values(getAdjacencyMap(callMachine, options))) {
      const edges = Object.values(vertex.transitions) as Array<{ event: CallEvent }>;
      for (const { event } of edges) {
        if (covered.has(rowKeyOf(vertex.state, event))) continue;
        const route = routes.get(serializeSnapshot(vertex.state));
        if (!route) continue;
        const steps = toSteps(fromState, [...route, event]);
        steps.forEach((step) => covered.add(step.transition));
        paths.push({ start, steps });
      }
    }
  }
  return withoutPrefixes(paths);
}

// Drops a path that another path from the same start begins with.
function withoutPrefixes(paths: LifecyclePath[]): LifecyclePath[] {
  const signature = (path: LifecyclePath) => [path.start, ...path.steps.map((step) => JSON.stringify(step.event))];
  return paths.filter((path, index) => {
    const own = signature(path);
    return !paths.some((other, otherIndex) => {
      if (otherIndex === index) return false;
      const longer = signature(other);
      return longer.length > own.length && own.every((part, i) => part === longer[i]);
    });
  });
}
