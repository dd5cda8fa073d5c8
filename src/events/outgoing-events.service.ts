import { Injectable } from '@nestjs/common';
import { EventLog, START } from './event-log';
import { OutgoingEvent, outgoingEvent, positionOf } from './outgoing-event';

// A company's outgoing events after an event id, oldest first (commit order).
@Injectable()
export class OutgoingEvents {
  constructor(private readonly log: EventLog) {}

  async readAfter(companyId: string, afterEventId: string | null, limit: number): Promise<OutgoingEvent[]> {
    const after = afterEventId === null ? START : positionOf(afterEventId);
    if (!after) throw new Error(`not an event id: ${afterEventId}`);
    return (await this.log.readAfter(companyId, after, limit)).map(outgoingEvent);
  }
}
