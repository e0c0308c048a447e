// queue_log lines in Asterisk's pipe format, so that reporting tools written for Asterisk read
// ours: epoch seconds|call id|queue|agent|EVENT|data1|data2|... (docs.asterisk.org, "Queue Logs").
// Built from the engine's events; it observes and never steers. The app appends the lines to
// <data>/queue_log; tests keep them in an array.
import { AgentState } from './agent.js';
import type { AcdEvents } from './events.js';
import type { Interaction } from './interaction.js';

export type QueueLogSink = (line: string) => void;

const secs = (ms: number): number => Math.round(ms / 1000);
/** a field may not hold the separator or a line break */
const field = (v: string | number): string => String(v).replace(/[|\r\n]/g, '_');

export function attachQueueLog(o: { events: AcdEvents; sink: QueueLogSink; now: () => number; queuesOf: (agentId: string) => readonly string[] }): () => void {
  const line = (callId: string, queue: string, agent: string, event: string, ...data: (string | number)[]) => o.sink([secs(o.now()), callId, queue, agent, event, ...data].map(field).join('|'));
  const call = (i: Interaction) => i.callId ?? i.id;
  const perQueue = (agentId: string, event: string, ...data: (string | number)[]) => {
    const queues = o.queuesOf(agentId);
    for (const q of queues.length > 0 ? queues : ['NONE']) line('NONE', q, agentId, event, ...data);
  };
  const offs = [
    // ENTERQUEUE(url|callerid): the caller joined
    o.events.on('entered', ({ interaction: i }) => line(call(i), i.queueId, 'NONE', 'ENTERQUEUE', '', i.caller)),
    // RINGNOANSWER(ringtime in ms)
    o.events.on('ring-no-answer', ({ interaction: i, agentId, ringMs }) => line(call(i), i.queueId, agentId, 'RINGNOANSWER', ringMs)),
    // CONNECT(holdtime|bridgedchanneluniqueid|ringtime)
    o.events.on('connected', ({ interaction: i, agentId, waitMs, ringMs }) => line(call(i), i.queueId, agentId, 'CONNECT', secs(waitMs), call(i), secs(ringMs))),
    // COMPLETECALLER / COMPLETEAGENT(holdtime|calltime|origposition)
    o.events.on('completed', ({ interaction: i, agentId, by, waitMs, talkMs }) => line(call(i), i.queueId, agentId, by === 'caller' ? 'COMPLETECALLER' : 'COMPLETEAGENT', secs(waitMs), secs(talkMs), i.origPosition)),
    // Hailing's own event (Asterisk has no callbacks): CALLBACKREQUEST(origposition|waittime)
    o.events.on('callback', ({ interaction: i, result }) => {
      if (result === 'requested') line(call(i), i.queueId, 'NONE', 'CALLBACKREQUEST', i.origPosition, secs(o.now() - i.enteredAt));
    }),
    o.events.on('left', ({ interaction: i, outcome, position, waitMs, key }) => {
      const w = secs(waitMs);
      if (outcome === 'abandoned') line(call(i), i.queueId, 'NONE', 'ABANDON', position, i.origPosition, w);
      else if (outcome === 'timeout') line(call(i), i.queueId, 'NONE', 'EXITWITHTIMEOUT', position, i.origPosition, w);
      else if (outcome === 'exit-key') line(call(i), i.queueId, 'NONE', 'EXITWITHKEY', key ?? '', position, i.origPosition, w);
      else if (outcome === 'left-empty') line(call(i), i.queueId, 'NONE', 'EXITEMPTY', position, i.origPosition, w);
      // Hailing's own event (Asterisk has none for a supervisor's move): the caller ENTERQUEUEs the other queue next
      else if (outcome === 'moved') line(call(i), i.queueId, 'NONE', 'MOVED', position, i.origPosition, w);
      else if (outcome === 'callback-failed') line(call(i), i.queueId, 'NONE', 'CALLBACKFAILED', i.callback?.attempts ?? 0, i.origPosition, w);
      else if (outcome === 'refused-full') line(call(i), i.queueId, 'NONE', 'FULL');
      else line(call(i), i.queueId, 'NONE', 'JOINEMPTY');
    }),
    // AGENTLOGIN(channel) / AGENTLOGOFF(channel|logintime)
    o.events.on('login', ({ agent }) => line('NONE', 'NONE', agent.config.id, 'AGENTLOGIN', agent.config.extension)),
    o.events.on('logout', ({ agent, loginMs }) => line('NONE', 'NONE', agent.config.id, 'AGENTLOGOFF', agent.config.extension, secs(loginMs))),
    // PAUSE(reason) / UNPAUSE(reason) in each of the agent's queues, as Asterisk pauses a member everywhere
    o.events.on('agent', ({ agent, from, to, reason }) => {
      if (to === AgentState.Break && from !== AgentState.LoggedOut) perQueue(agent.config.id, 'PAUSE', reason ?? '');
      else if (from === AgentState.Break && to !== AgentState.LoggedOut) perQueue(agent.config.id, 'UNPAUSE', reason ?? '');
    }),
  ];
  return () => offs.forEach((off) => off());
}
