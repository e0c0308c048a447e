// The ACD's part of the composition: the service over the store (queue_log in <data>/queue_log),
// the router the queue handlers register with, and the handlers the call layer runs for 'queue'
// and 'agent-login' steps.
import { join } from 'node:path';
import type { Clock, Logger } from '../sip/index.js';
import type { Db } from '../store/index.js';
import { AcdRepository } from '../store/index.js';
import type { AcdHandlers } from '../calls/handlers/index.js';
import { AcdService } from '../acd/service.js';
import { CallRouter, QueueHandler } from '../acd/queue-handler.js';
import { AgentLoginHandler } from '../acd/agent-login-handler.js';
import { PinHasher } from '../acd/pin.js';
import { loadOrCreateSecret } from './secrets.js';

export async function openAcd(o: { db: Db; dataDir: string; clock: Clock; logger: Logger; heartbeatTimeoutMs: number }): Promise<{ service: AcdService; handlers: AcdHandlers }> {
  const router = new CallRouter();
  const pins = new PinHasher({ key: loadOrCreateSecret(o.dataDir, 'acd-pin') });
  const service = await AcdService.open({ repository: new AcdRepository({ db: o.db }), clock: o.clock, random: Math.random, logger: o.logger.child({ module: 'acd' }), queueLogPath: join(o.dataDir, 'queue_log'), driver: router, pins, heartbeatTimeoutMs: o.heartbeatTimeoutMs });
  const handlers: AcdHandlers = {
    queue: (services) => new QueueHandler({ acd: service.acd, router, call: services }),
    agentLogin: (services) => new AgentLoginHandler({ acd: service.acd, services, pins }),
    isQueue: (id) => service.acd.queues.has(id),
    agentCallOf: (extension) => service.acd.agentCallOf(extension),
  };
  return { service, handlers };
}
