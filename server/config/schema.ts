// Typed, validated configuration with embedded defaults. Sources, later winning: defaults, the JSON
// file named by HAILING_CONFIG, HAILING_* environment variables. A bad value stops start-up with a
// message naming the key and the reason (see loadConfig).
import { z } from 'zod';
import { checkDirectory, directoryFields } from './directory.js';

const port = z.coerce.number().int().min(0).max(65535);
const ms = z.coerce.number().int().min(0);

export const configShape = z
  .object({
    dataDir: z.string().min(1).default('./data'),
    /** speech models (npm run models); default <dataDir>/models */
    modelsDir: z.string().min(1).optional(),
    /** IVR intents: an OpenAI-compatible chat/completions URL (a local LLM server) asked by intent steps with model: true; absent: rules only */
    ivrIntentModelUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** the model name sent to it */
    ivrIntentModelName: z.string().min(1).default('default'),
    /** a bearer token for it, when it wants one */
    ivrIntentModelKey: z.string().min(1).optional(),
    /** libsql URL; default file:<dataDir>/hailing.db */
    databaseUrl: z.string().min(1).optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    bindAddress: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).default('0.0.0.0'),
    /** the address phones and carriers reach us at (SDP, Via, Contact); defaults to bindAddress or 127.0.0.1 */
    publicAddress: z.string().min(1).optional(),
    httpPort: port.default(8080),
    /** a TLS reverse proxy serves the console: Secure session cookie and HSTS (RFC 6797) */
    httpBehindTls: z.union([z.boolean(), z.stringbool()], { error: 'must be true or false' }).default(false),
    sipUdpPort: port.default(5060),
    sipTcpPort: port.default(5060),
    sipTlsPort: port.default(5061),
    sipWsPort: port.default(8088),
    sipWssPort: port.default(8089),
    /** SIP domain and digest realm; defaults to publicAddress */
    sipDomain: z.string().min(1).optional(),
    tlsCertFile: z.string().min(1).optional(),
    tlsKeyFile: z.string().min(1).optional(),
    rtpPortMin: port.default(10000),
    rtpPortMax: port.default(20000),
    adminUser: z.string().min(1).optional(),
    adminPassword: z.string().min(8, 'must be at least 8 characters').optional(),
    sessionTtlMs: ms.default(8 * 3600_000),
    /** the security policy profile until one is chosen through the API (docs/access-control.md) */
    securityProfile: z.enum(['default', 'asvs', 'mlps3']).default('default'),
    /** failed admin logins of one account within loginLockoutMs that lock it for loginLockoutMs */
    loginMaxFailures: z.coerce.number().int().min(1).default(5),
    /** failed admin logins from one source address (any accounts) that lock the source out */
    loginSourceMaxFailures: z.coerce.number().int().min(1).default(20),
    loginLockoutMs: ms.default(900_000),
    /** argon2id password verifications at once (64 MiB each); more wait briefly, then get 503 */
    loginMaxConcurrentHashes: z.coerce.number().int().min(1).max(64).default(2),
    registerMinExpires: z.coerce.number().int().min(1).default(60),
    registerMaxExpires: z.coerce.number().int().min(1).default(3600),
    /** SUBSCRIBE (BLF, MWI) expiry bounds, RFC 6665 §4.2.1.1: below the minimum 423, above the maximum shortened */
    subscribeMinExpires: z.coerce.number().int().min(1).default(60),
    subscribeMaxExpires: z.coerce.number().int().min(1).default(3600),
    /** live subscriptions in all, and from one source address (a phone with 60 BLF keys holds 60) */
    maxSubscriptions: z.coerce.number().int().min(1).default(20_000),
    maxSubscriptionsPerSource: z.coerce.number().int().min(1).default(500),
    keepaliveIntervalMs: ms.default(30_000),
    /** digest algorithms offered in REGISTER/INVITE challenges, most preferred first (docs/decisions.md) */
    digestAlgorithms: z
      .string()
      .default('SHA-256,MD5')
      .transform((v) => v.split(',').map((a) => a.trim().toUpperCase()))
      .pipe(
        z
          .array(z.enum(['MD5', 'SHA-256'], { error: 'each algorithm must be MD5 or SHA-256' }))
          .min(1)
          .refine((a) => new Set(a).size === a.length, 'list each algorithm once'),
      ),
    /** User-Agent substrings offered MD5 alone: UACs that fail on any SHA-256 challenge */
    digestMd5OnlyUserAgents: z
      .string()
      // JsSIP 3.x reads only the first challenge and gives up unless it is MD5
      .default('baresip v0.,baresip v1.,JsSIP')
      .transform((v) => v.split(',').map((a) => a.trim()).filter((a) => a.length > 0)),
    nonceLifetimeMs: z.coerce.number().int().min(1000).max(300_000).default(300_000),
    banMaxFailures: z.coerce.number().int().min(1).default(5),
    // failures against one extension from all sources, after which each failing source is banned at once
    banAccountMaxFailures: z.coerce.number().int().min(1).default(20),
    banFindTimeMs: ms.default(600_000),
    banTimeMs: ms.default(600_000),
    rateLimitPerSecond: z.coerce.number().int().min(1).default(200),
    rateLimitBurst: z.coerce.number().int().min(1).default(400),
    /** refused SIP credentials within a minute after which a source is held to sipSuspectRatePerSecond */
    sipSuspectAfterRefusals: z.coerce.number().int().min(1).default(3),
    sipSuspectRatePerSecond: z.coerce.number().min(0.1).default(2),
    /** SIP requests per second from all suspect sources together */
    sipSuspectBudgetPerSecond: z.coerce.number().int().min(1).default(100),
    /** SIP requests per second from all sources that have not authenticated lately, together */
    sipUntrustedBudgetPerSecond: z.coerce.number().int().min(1).default(2000),
    tcpIdleTimeoutMs: ms.default(300_000),
    maxConnections: z.coerce.number().int().min(1).default(10_000),
    /** inbound SIP connections from one IP address, all connection transports together */
    maxConnectionsPerSource: z.coerce.number().int().min(1).default(100),
    /** a SIP message (or WS frame or upgrade request) must arrive whole this long after its first byte */
    sipReadTimeoutMs: ms.min(100).default(20_000),
    /** SIGTERM/SIGINT: how long the graceful drain may take before remaining connections are destroyed */
    shutdownTimeoutMs: ms.min(100).default(10_000),
    /** an unanswered call is ended with 480 after this long (RFC 3261 §21.4.18) */
    callNoAnswerTimeoutMs: ms.min(1000).default(30_000),
    /** RFC 4028 session interval, seconds, asked of callees and granted to callers that name none; 0 turns session timers off */
    sipSessionExpiresS: z.coerce.number().int().min(0).max(86_400).default(1800),
    /** RFC 4028 Min-SE, seconds: a smaller Session-Expires gets 422 (the RFC's floor is 90; lower only for tests) */
    sipMinSeS: z.coerce.number().int().min(1).max(86_400).default(90),
    /** the process writes "alive at" this often; calls a crash cut off end at the last write (issue 18) */
    heartbeatIntervalMs: ms.min(100).max(60_000).default(1_000),
    /** a browser agent (console/API log-in) whose heartbeat stops this long is logged out; 0 disables */
    acdAgentHeartbeatTimeoutMs: ms.max(3_600_000).default(60_000),
    /** an answered call whose media stopped this long is ended (Asterisk rtptimeout); 0 disables */
    mediaTimeoutMs: ms.default(30_000),
    /** how long after its first packet a relay endpoint may still re-learn its peer's address (strict RTP) */
    rtpLatchWindowMs: ms.default(2_000),
    /** media worker threads; 0 means one per CPU */
    mediaWorkers: z.coerce.number().int().min(0).max(64).default(0),
    /** in-band DTMF detection: auto = on legs that did not negotiate telephone-event (RFC 4733) */
    dtmfInband: z.enum(['auto', 'on', 'off']).default('auto'),
    /** record answered calls: none, or all (stereo: caller left, callee right) into <dataDir>/recordings */
    recordCalls: z.enum(['none', 'all']).default('none'),
    recordingFormat: z.enum(['wav', 'ogg']).default('wav'),
    /** stereo: caller left, callee right (speaker separation for QA and ASR); mixed: one channel with both */
    recordingChannels: z.enum(['stereo', 'mixed']).default('stereo'),
    /** PCI DSS: an extension keys this during a call to pause its recording and again to resume ('' turns it off) */
    recordingPauseCode: z.string().regex(/^$|^\*[0-9]{1,4}$/, 'must be * and 1 to 4 digits, or empty').default('*1'),
    /** post-call transcription: the folder of an offline model (model.onnx with model_type sense_voice_ctc, paraformer or tdnn, tokens.txt; or a Whisper <name>-encoder/decoder.onnx pair); unset: off */
    transcribeModel: z.string().min(1).optional(),
    /** live transcription of each answered call's legs with the transcribeModel recogniser (transcript.partial/final events, live segments) */
    liveTranscribe: z.union([z.boolean(), z.stringbool()], { error: 'must be true or false' }).default(false),
    /** how often live transcription re-decodes an utterance in progress for a partial (ms); 0: finals only */
    liveTranscribePartialMs: ms.max(10_000).default(1000),
    /** live transcription with this model folder instead of transcribeModel: a streaming transducer (encoder, decoder, joiner .onnx files, tokens.txt; zipformer2, zipformer or lstm) decodes as the call goes on and can spot keywords */
    liveTranscribeModel: z.string().min(1).optional(),
    /** punctuation of transcription finals (live and post-call): a CT-transformer model folder (model.onnx); unset: the manifest's punctuation model when installed in modelsDir, else none */
    punctuationModel: z.string().min(1).optional(),
    /**
     * keywords spotted per call by live transcription (streaming model only), by the number dialled
     * ('*': every call): {"1002": ["four eight"], "*": ["999"]}, beside the keyword lists set in the
     * API; a keyword is a word or phrase spelled in the model's tokens (its tokens separated by spaces
     * still work). A hit is a transcript.keyword event and is stored. As JSON in the environment.
     */
    liveKeywords: z
      .preprocess(
        // from the environment as JSON; text that is not JSON stays a string and fails the type below
        (v) => {
          if (typeof v !== 'string') return v;
          try {
            return JSON.parse(v) as unknown;
          } catch {
            return v;
          }
        },
        z.record(z.string(), z.array(z.string().trim().min(1, 'a keyword must not be empty'), { error: 'each number needs a list of keywords' }), {
          error: 'must be JSON: an object of number dialled → list of keywords',
        }),
      )
      .default({}),
    /** encryption at rest of recordings (docs/data-at-rest.md): AES-256-GCM, the 国密 profile SM4-CTR + HMAC-SM3, or off */
    recordingEncryption: z.enum(['aes-256-gcm', 'sm4-ctr-hmac-sm3', 'off']).default('aes-256-gcm'),
    /** the master key file (made with mode 0600 on first start); default <dataDir>/keys/recording-master.keys */
    recordingKeyFile: z.string().min(1).optional(),
    /** master keys from the environment instead of the file: base64 32-byte keys, comma-separated, the last one current */
    recordingMasterKeys: z.string().min(1).optional(),
    /** days a recording no retention policy matches is kept after its call; 0: kept until a policy says otherwise */
    recordingRetentionDays: z.coerce.number().int().min(0).default(0),
    /** WORM: no recording is deleted before its retention ends, not even by an admin; policies can only be lengthened */
    recordingWorm: z.union([z.boolean(), z.stringbool()], { error: 'must be true or false' }).default(false),
    /** how often the retention purge runs (recordings, then audit rows past auditRetentionDays) */
    retentionPurgeIntervalMs: ms.min(60_000).default(3_600_000),
    /** days audit rows are kept; 0 keeps them all; otherwise at least 180 (MLPS 2.0 level 3: six months) */
    auditRetentionDays: z.coerce
      .number()
      .int()
      .refine((d) => d === 0 || d >= 180, 'must be 0 (keep all) or at least 180 days')
      .default(0),
    /** DNS servers for trunk host names (RFC 3263), "address" or "address:port", comma-separated; empty: the system's */
    dnsServers: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((a) => a.trim()).filter((a) => a.length > 0))
      .pipe(z.array(z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[0-9.]+|[0-9a-fA-F:]+)(:[0-9]{1,5})?$/, 'each DNS server is an IP address, optionally with :port ([v6]:port)'))),
    /** first retry of a failed trunk registration; it doubles up to 5 minutes */
    trunkRegisterRetryMs: ms.min(100).default(2_000),
    /** toll-fraud guard: outbound trunk calls per minute from one extension, from all, and at once */
    outboundCallsPerMinutePerExtension: z.coerce.number().int().min(1).default(10),
    outboundCallsPerMinute: z.coerce.number().int().min(1).default(120),
    outboundConcurrentPerExtension: z.coerce.number().int().min(1).default(4),
    outboundConcurrent: z.coerce.number().int().min(1).default(60),
    /** conference room numbers (FreeSWITCH's default dialplan uses 3000-3099); '' disables */
    conferenceNumbers: z
      .string()
      .regex(/^$|^[0-9]{1,10}-[0-9]{1,10}$/, 'must be a range like 3000-3099, or empty')
      .default('3000-3099'),
    /** how dialled numbers are read (server/numbers): CN, TW or HK numbering plan */
    numberProfile: z.enum(['CN', 'TW', 'HK']).default('CN'),
    /** the site's own area code without the trunk prefix (21 for Shanghai, 2 for Taipei): completes numbers dialled within the area */
    areaCode: z.string().regex(/^[1-9][0-9]{0,3}$/, 'must be an area code without the trunk prefix, e.g. 21').optional(),
    /** desk-phone provisioning over HTTP / HTTPS (docs/provisioning.md); unset: no such listener */
    provisioningHttpPort: port.optional(),
    provisioningHttpsPort: port.optional(),
    /** the provisioning URL SIP PnP hands to phones; default http(s)://<public address>:<port> */
    provisioningBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** provisioning requests per source: sustained per second, and the burst */
    provisioningRatePerSecond: z.coerce.number().min(0.1).default(5),
    provisioningRateBurst: z.coerce.number().int().min(1).default(60),
    /** distinct unknown MACs one source may ask for within the window before the scan alert */
    provisioningScanThreshold: z.coerce.number().int().min(2).default(20),
    provisioningScanWindowMs: ms.min(1000).default(600_000),
    provisioningMaxConnections: z.coerce.number().int().min(1).default(200),
    /** voicemail e-mail (server/voicemail/mail.ts): the SMTP relay; unset: no e-mail is sent */
    smtpHost: z.string().min(1).optional(),
    smtpPort: port.default(587),
    /** implicit: TLS from the first byte (port 465); starttls: required upgrade (587); none: plain (a relay on this host) */
    smtpTls: z.enum(['starttls', 'implicit', 'none']).default('starttls'),
    smtpFrom: z.email({ error: 'must be an e-mail address' }).optional(),
    smtpUser: z.string().min(1).optional(),
    /** never logged (the logger redacts password fields and the mailer logs none) */
    smtpPassword: z.string().min(1).optional(),
    /** the console's address as users reach it, for links in e-mails; default http://<public address>:<httpPort> */
    consoleUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** SIP PnP: the wildcard UDP listener joins 224.0.1.75 (RFC 6080 §5.1.1) on every IPv4 interface */
    provisioningPnpMulticast: z.union([z.boolean(), z.stringbool()], { error: 'must be true or false' }).default(false),
    ...directoryFields,
  })
  .strict();

export const configSchema = configShape.superRefine((c, ctx) => {
    if (c.rtpPortMin > c.rtpPortMax)
      ctx.addIssue({ code: 'custom', path: ['rtpPortMin'], message: 'must not exceed rtpPortMax' });
    if (c.registerMinExpires > c.registerMaxExpires)
      ctx.addIssue({ code: 'custom', path: ['registerMinExpires'], message: 'must not exceed registerMaxExpires' });
    if (c.subscribeMinExpires > c.subscribeMaxExpires)
      ctx.addIssue({ code: 'custom', path: ['subscribeMinExpires'], message: 'must not exceed subscribeMaxExpires' });
    if ((c.tlsCertFile === undefined) !== (c.tlsKeyFile === undefined))
      ctx.addIssue({ code: 'custom', path: ['tlsCertFile'], message: 'tlsCertFile and tlsKeyFile go together' });
    if (c.smtpHost !== undefined && c.smtpFrom === undefined)
      ctx.addIssue({ code: 'custom', path: ['smtpFrom'], message: 'smtpHost needs smtpFrom (the sender address)' });
    if ((c.smtpUser === undefined) !== (c.smtpPassword === undefined))
      ctx.addIssue({ code: 'custom', path: ['smtpUser'], message: 'smtpUser and smtpPassword go together' });
    if ((c.adminUser === undefined) !== (c.adminPassword === undefined))
      ctx.addIssue({ code: 'custom', path: ['adminUser'], message: 'adminUser and adminPassword go together' });
    checkDirectory(c, (key, message) => ctx.addIssue({ code: 'custom', path: [key], message }));
  });

export type ConfigInput = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;

/** The resolved configuration: every derived default filled in. */
export interface Config extends Parsed {
  readonly publicAddress: string;
  readonly sipDomain: string;
  readonly databaseUrl: string;
  readonly modelsDir: string;
}
