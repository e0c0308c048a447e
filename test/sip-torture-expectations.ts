// Expected handling of every RFC 4475 and RFC 5118 torture message by a UAS core that is only a
// registrar (no B2BUA users exist). Each entry comes from the RFC text, paraphrased or quoted in
// `note`; where the RFC allows a choice, `expectStatus` lists every answer the RFC allows for such
// a server. `valid` is the RFC's verdict on well-formedness (semantic problems such as an unknown
// scheme or a Require we cannot meet leave a message valid). Responses are never answered, so
// their `expectStatus` is absent.

export interface TortureExpectation {
  /** path relative to the corpus root, e.g. "rfc4475/wsinv.dat" */
  readonly file: string;
  readonly rfcSection: string;
  readonly valid: boolean;
  /** the response(s) a registrar-only UAS may send; absent when nothing is sent (responses) */
  readonly expectStatus?: number | readonly number[];
  /** true when a parser may reject the bytes themselves (RFC calls the syntax invalid) */
  readonly parseMayFail?: boolean;
  readonly note: string;
}

/** RFC 3261 §10.3 registrar order: authenticate (401) before "404 (Not Found)" for an unknown AOR. */
const REGISTER_NO_USER = [401, 404] as const;
/**
 * RFC 3261 §22.3: a server that authenticates calls answers an INVITE without credentials 407 before
 * it routes anything (Hailing's B2BUA, docs/decisions.md); otherwise RFC 3261 §8.2.2.1: "If the
 * Request-URI does not identify an address that the UAS is willing to accept requests for, it
 * SHOULD reject the request with a 404"; 480 if the user exists but is not registered.
 */
const INVITE_NO_USER = [407, 404, 480] as const;
/** RFC 3261 §11.2: OPTIONS is answered "as it would an INVITE"; 200 if the server answers for itself. */
const OPTIONS_NO_USER = [200, 404] as const;

export const TORTURE_EXPECTATIONS: readonly TortureExpectation[] = [
  // ---- RFC 4475 §3.1.1 valid messages: "Parsers must accept ..." ----
  { file: 'rfc4475/wsinv.dat', rfcSection: '4475 §3.1.1.1', valid: true, expectStatus: 481,
    note: 'A short tortuous INVITE: folding, LWS around colons, compact and long forms mixed, leading zeros in Max-Forwards/CSeq. "All elements should treat this as a well-formed request." Its folded To carries a tag, so it is a mid-dialog request for a dialog we do not have: "the UAS MUST respond to the request with a 481 (Call/Transaction Does Not Exist)" (RFC 3261 §12.2.2).' },
  { file: 'rfc4475/intmeth.dat', rfcSection: '4475 §3.1.1.2', valid: true, expectStatus: 501,
    note: 'Wide range of valid characters; the method is unknown. "Endpoints will generate a 501 listing the methods they understand in an Allow header field."' },
  { file: 'rfc4475/esc01.dat', rfcSection: '4475 §3.1.1.3', valid: true, expectStatus: INVITE_NO_USER,
    note: '%-escapes in Request-URI, From, To and Contact. "A parser must accept this as a well-formed message." To user unescapes to "user"; Contact name param is "value%41" (no recursive unescaping).' },
  { file: 'rfc4475/escnull.dat', rfcSection: '4475 §3.1.1.4', valid: true, expectStatus: REGISTER_NO_USER,
    note: 'Escaped NULs (%00) in userparts. "The message is well formed; parsers must accept this message as well formed."' },
  { file: 'rfc4475/esc02.dat', rfcSection: '4475 §3.1.1.5', valid: true, expectStatus: 501,
    note: 'Method RE%47IST%45R is not REGISTER (% is no escape in a method); an unknown method draws 501 from an endpoint (RFC 3261 §8.2.1). C%6Fntact is an unknown header, not Contact.' },
  { file: 'rfc4475/lwsdisp.dat', rfcSection: '4475 §3.1.1.6', valid: true, expectStatus: OPTIONS_NO_USER,
    note: 'No LWS between display name token and "<": legal in RFC 3261; parsers must accept it.' },
  { file: 'rfc4475/longreq.dat', rfcSection: '4475 §3.1.1.7', valid: true, expectStatus: INVITE_NO_USER,
    note: 'Long values and many Via values (mixed v/V/ViA spellings, LWS before the colon). Well formed.' },
  { file: 'rfc4475/dblreq.dat', rfcSection: '4475 §3.1.1.8', valid: true, expectStatus: REGISTER_NO_USER,
    note: 'A REGISTER followed in the same datagram by INVITE-looking octets, which "are just spurious noise that must be ignored" (RFC 3261 §18.3). The REGISTER is handled normally.' },
  { file: 'rfc4475/semiuri.dat', rfcSection: '4475 §3.1.1.9', valid: true, expectStatus: OPTIONS_NO_USER,
    note: 'Request-URI user part contains ";": "The Request-URI will parse so that the user part is user;par=u@example.net."' },
  { file: 'rfc4475/transports.dat', rfcSection: '4475 §3.1.1.10', valid: true, expectStatus: OPTIONS_NO_USER,
    note: 'Via values with UDP, SCTP, TLS, UNKNOWN and TCP transports. "Parsers must accept this message as well formed."' },
  { file: 'rfc4475/mpart01.dat', rfcSection: '4475 §3.1.1.11', valid: true, expectStatus: [404, 415, 405],
    note: 'MESSAGE with a multipart body holding binary parts with NULs. "Parsers must accept this message as well formed, even if the application above the parser does not support multipart/signed." No such user → 404 (or 415 if the body is refused first); a server that does not take MESSAGE at all answers 405 with Allow (RFC 3261 §8.2.1).' },
  { file: 'rfc4475/unreason.dat', rfcSection: '4475 §3.1.1.12', valid: true,
    note: 'A 200 with a UTF-8 reason phrase. "This response is well formed." A response is never answered.' },
  { file: 'rfc4475/noreason.dat', rfcSection: '4475 §3.1.1.13', valid: true,
    note: 'A 100 with an empty reason phrase: "A parser must accept this message."' },

  // ---- RFC 4475 §3.1.2 invalid messages ----
  { file: 'rfc4475/badinv01.dat', rfcSection: '4475 §3.1.2.1', valid: false, expectStatus: 400, parseMayFail: true,
    note: 'Extraneous ";" and "," in Via and Contact. "An element receiving this request should respond with a 400 Bad Request error."' },
  { file: 'rfc4475/clerr.dat', rfcSection: '4475 §3.1.2.2', valid: false, expectStatus: 400, parseMayFail: true,
    note: 'Content-Length larger than the body. Over UDP "the receiving element should respond with a 400 Bad Request error"; over a stream it waits for more data.' },
  { file: 'rfc4475/ncl.dat', rfcSection: '4475 §3.1.2.3', valid: false, expectStatus: 400, parseMayFail: true,
    note: 'Negative Content-Length. "An element receiving this message should respond with an error"; over TCP the connection should be closed.' },
  { file: 'rfc4475/scalar02.dat', rfcSection: '4475 §3.1.2.4', valid: false, expectStatus: 400, parseMayFail: true,
    note: 'CSeq > 2**32-1, Max-Forwards > 255, overlarge Expires. "should respond with a 400 Bad Request due to the CSeq error."' },
  { file: 'rfc4475/scalarlg.dat', rfcSection: '4475 §3.1.2.5', valid: false, parseMayFail: true,
    note: 'A response with overlarge CSeq, Retry-After and Warning code. "An element receiving this response will simply discard it."' },
  { file: 'rfc4475/quotbal.dat', rfcSection: '4475 §3.1.2.6', valid: false, expectStatus: 400, parseMayFail: true,
    note: 'Unterminated quoted display name in To. "should return a 400 Bad Request error" (a liberal element could infer the quote).' },
  { file: 'rfc4475/ltgtruri.dat', rfcSection: '4475 §3.1.2.7', valid: false, expectStatus: 400, parseMayFail: true,
    note: 'Request-URI enclosed in <>. "It is reasonable always to reject a request with this error with a 400 Bad Request."' },
  { file: 'rfc4475/lwsruri.dat', rfcSection: '4475 §3.1.2.8', valid: false, expectStatus: 400, parseMayFail: true,
    note: 'LWS inside the Request-URI. "An element receiving this request should respond with a 400 Bad Request."' },
  { file: 'rfc4475/lwsstart.dat', rfcSection: '4475 §3.1.2.9', valid: false, expectStatus: [400, ...INVITE_NO_USER], parseMayFail: true,
    note: 'Multiple SP between Request-Line elements. "It is acceptable to reject this request as malformed"; a liberal element "may ignore these extra SP characters" (we do).' },
  { file: 'rfc4475/trws.dat', rfcSection: '4475 §3.1.2.10', valid: false, expectStatus: [400, ...OPTIONS_NO_USER], parseMayFail: true,
    note: 'SP after SIP-Version on the Request-Line. Rejecting as malformed is acceptable; a liberal element may ignore the SP (we do).' },
  { file: 'rfc4475/escruri.dat', rfcSection: '4475 §3.1.2.11', valid: false, expectStatus: [400, ...INVITE_NO_USER],
    note: 'Escaped headers in the Request-URI. "It is acceptable for an element to reject this request with a 400 Bad Request"; a UA may ignore the escaped Route.' },
  { file: 'rfc4475/baddate.dat', rfcSection: '4475 §3.1.2.12', valid: false, expectStatus: [400, ...INVITE_NO_USER],
    note: 'Non-GMT Date. Rejecting is acceptable, but "an element should not do that unless the contents of the Date header field were actually important"; ignoring it is fine.' },
  { file: 'rfc4475/regbadct.dat', rfcSection: '4475 §3.1.2.13', valid: false, expectStatus: 400,
    note: 'Contact URI with an escaped header not in <>. "It is reasonable for an element receiving this request to respond with a 400 Bad Request." (Contact is not a mandatory header; the registrar rejects it.)' },
  { file: 'rfc4475/badaspec.dat', rfcSection: '4475 §3.1.2.14', valid: false, expectStatus: 400, parseMayFail: true,
    note: 'Spaces inside <> around the To URI. "It is reasonable to reject this request with a 400 Bad Request response."' },
  { file: 'rfc4475/baddn.dat', rfcSection: '4475 §3.1.2.15', valid: false, expectStatus: 400, parseMayFail: true,
    note: 'Unquoted display names with non-token characters. "It is reasonable always to reject this kind of error with a 400 Bad Request response."' },
  { file: 'rfc4475/badvers.dat', rfcSection: '4475 §3.1.2.16', valid: false, expectStatus: 505, parseMayFail: true,
    note: 'SIP/7.0. "The element should respond to the request with a 505 Version Not Supported error."' },
  { file: 'rfc4475/mismatch01.dat', rfcSection: '4475 §3.1.2.17', valid: false, expectStatus: 400, parseMayFail: true,
    note: 'OPTIONS with CSeq method INVITE. "Any element receiving this request will respond with a 400 Bad Request."' },
  { file: 'rfc4475/mismatch02.dat', rfcSection: '4475 §3.1.2.18', valid: false, expectStatus: [501, 400], parseMayFail: true,
    note: 'Unknown method with mismatching CSeq method: "should respond with a 501 Not Implemented. A 400 Bad Request is also acceptable."' },
  { file: 'rfc4475/bigcode.dat', rfcSection: '4475 §3.1.2.19', valid: false, parseMayFail: true,
    note: 'Response code 4294967301 (> 699). "An element receiving this response should simply drop it."' },

  // ---- RFC 4475 §3.2 transaction layer ----
  { file: 'rfc4475/badbranch.dat', rfcSection: '4475 §3.2.1', valid: true, expectStatus: [400, ...OPTIONS_NO_USER],
    note: 'branch=z9hG4bK with nothing after the cookie. "A parser must not break"; the element "could reject the request with a 400" or fall back to RFC 2543 matching.' },

  // ---- RFC 4475 §3.3 application layer ----
  { file: 'rfc4475/insuf.dat', rfcSection: '4475 §3.3.1', valid: false, expectStatus: 400, parseMayFail: true,
    note: 'No Call-ID, From or To. "Ideally, it will respond with a 400 Bad Request error."' },
  { file: 'rfc4475/unkscm.dat', rfcSection: '4475 §3.3.2', valid: true, expectStatus: 416,
    note: 'Unknown Request-URI scheme. "A parser must accept this as a well-formed SIP request. An element receiving this request will reject it with a 416 Unsupported URI Scheme response."' },
  { file: 'rfc4475/novelsc.dat', rfcSection: '4475 §3.3.3', valid: true, expectStatus: 416,
    note: 'soap.beep Request-URI: an element that never accepts the scheme may "treat it as unknown and return a 416 Unsupported URI Scheme response".' },
  { file: 'rfc4475/unksm2.dat', rfcSection: '4475 §3.3.4', valid: true, expectStatus: 400,
    note: 'isbn:/http:/name: URIs in To, From, Contact. Syntactically valid; "A registrar would reject this request with a 400 Bad Request response, since the To: header field is required to contain a SIP or SIPS URI as an AOR." (Not 416: the Request-URI is a SIP URI.)' },
  { file: 'rfc4475/bext01.dat', rfcSection: '4475 §3.3.5', valid: true, expectStatus: 420,
    note: 'Unsupported Require/Proxy-Require. "Any element receiving this request will respond with a 420 Bad Extension response, containing an Unsupported header field."' },
  { file: 'rfc4475/invut.dat', rfcSection: '4475 §3.3.6', valid: true, expectStatus: [415, ...INVITE_NO_USER],
    note: 'Unknown body type. "A UAS receiving this request would respond with a 415 Unsupported Type error"; RFC 3261 §8.2.2.1 lets the 404 for an unknown Request-URI come first.' },
  { file: 'rfc4475/regaut01.dat', rfcSection: '4475 §3.3.7', valid: true, expectStatus: REGISTER_NO_USER,
    note: 'Authorization with an unknown scheme. A registrar that uses challenge-response "will reject this request with a 401, issuing a new challenge with a scheme it understands".' },
  { file: 'rfc4475/multi01.dat', rfcSection: '4475 §3.3.8', valid: false, expectStatus: 400, parseMayFail: true,
    note: 'Several Call-ID, To, From, Max-Forwards and CSeq values. "An element receiving this request would respond with a 400 Bad Request error."' },
  { file: 'rfc4475/mcl01.dat', rfcSection: '4475 §3.3.9', valid: false, expectStatus: 400, parseMayFail: true,
    note: 'Conflicting Content-Length values: "equivalent to an invalid Content-Length value"; "should respond with an error"; over TCP close the connection.' },
  { file: 'rfc4475/bcast.dat', rfcSection: '4475 §3.3.10', valid: true,
    note: '200 OK with a broadcast second Via. "The message is well formed"; "an endpoint receiving this message should simply discard it."' },
  { file: 'rfc4475/zeromf.dat', rfcSection: '4475 §3.3.11', valid: true, expectStatus: OPTIONS_NO_USER,
    note: 'Max-Forwards: 0. A proxy answers 483, but "An endpoint should process the request as if the Max-Forwards field value were still positive."' },
  { file: 'rfc4475/cparam01.dat', rfcSection: '4475 §3.3.12', valid: true, expectStatus: [200, ...REGISTER_NO_USER],
    note: 'Contact addr-spec with ;unknownparam: a contact-param, not a url-param. "This REGISTER should succeed" for a known user.' },
  { file: 'rfc4475/cparam02.dat', rfcSection: '4475 §3.3.13', valid: true, expectStatus: [200, ...REGISTER_NO_USER],
    note: 'Contact <...;unknownparam>: a url-param kept in the binding. "The register should succeed" for a known user.' },
  { file: 'rfc4475/regescrt.dat', rfcSection: '4475 §3.3.14', valid: true, expectStatus: [200, ...REGISTER_NO_USER],
    note: 'Contact URI with an escaped Route header inside <>. "The register should succeed" and the binding keeps the header.' },
  { file: 'rfc4475/sdp01.dat', rfcSection: '4475 §3.3.15', valid: true, expectStatus: [406, ...INVITE_NO_USER],
    note: 'Accept without application/sdp. The recipient "could respond with a 406 Not Acceptable"; with no such user the 404 of RFC 3261 §8.2.2.1 comes first.' },

  // ---- RFC 4475 §3.4 backward compatibility ----
  { file: 'rfc4475/inv2543.dat', rfcSection: '4475 §3.4.1', valid: true, expectStatus: INVITE_NO_USER,
    note: 'RFC 2543 INVITE: no branch, no From tag, no Content-Length, no Max-Forwards; it "should be accepted by RFC 3261 elements that want to maintain backwards compatibility". Body = rest of datagram.' },

  // ---- RFC 5118 §4 IPv6 ----
  { file: 'rfc5118/ipv6-good', rfcSection: '5118 §4.1', valid: true, expectStatus: REGISTER_NO_USER,
    note: 'Request-URI with an IPv6 reference [2001:db8::10]; well formed per the RFC 3261 ABNF.' },
  { file: 'rfc5118/ipv6-bad', rfcSection: '5118 §4.2', valid: false, expectStatus: 400, parseMayFail: true,
    note: 'Request-URI holds an IPv6 address without brackets (sip:2001:db8::10): not well formed per the ABNF, so a 400.' },
  { file: 'rfc5118/port-ambiguous', rfcSection: '5118 §4.3', valid: true, expectStatus: [403, ...REGISTER_NO_USER],
    note: 'sip:[2001:db8::10:5070]: syntactically valid; ":5070" is part of the address, not a port. The host is not ours (403/404) or the AOR is unknown.' },
  { file: 'rfc5118/port-unambiguous', rfcSection: '5118 §4.4', valid: true, expectStatus: [403, ...REGISTER_NO_USER],
    note: 'sip:[2001:db8::10]:5070: IPv6 reference with a port; well formed.' },
  { file: 'rfc5118/via-received-param-with-delim', rfcSection: '5118 §4.5', valid: true, expectStatus: 481,
    note: 'received=[2001:db8::9:255] in brackets: parses as a generic-param; the message is accepted. A BYE outside any dialog draws 481 (RFC 3261 §15.1.2).' },
  { file: 'rfc5118/via-received-param-no-delim', rfcSection: '5118 §4.5', valid: true, expectStatus: OPTIONS_NO_USER,
    note: 'received=2001:db8::9:255 without brackets: the form the RFC 3261 ABNF (received = IPv4address / IPv6address) prescribes.' },
  { file: 'rfc5118/ipv6-in-sdp', rfcSection: '5118 §4.6', valid: true, expectStatus: INVITE_NO_USER,
    note: 'IPv6 in the Request-URI, headers and SDP; well formed.' },
  { file: 'rfc5118/mult-ip-in-header', rfcSection: '5118 §4.7', valid: true, expectStatus: 481,
    note: 'BYE with IPv4 and IPv6 Via values; well formed. No matching dialog → 481 (RFC 3261 §15.1.2).' },
  { file: 'rfc5118/mult-ip-in-sdp', rfcSection: '5118 §4.8', valid: true, expectStatus: INVITE_NO_USER,
    note: 'SDP with IPv4 and IPv6 c= lines; the SIP message is well formed.' },
  { file: 'rfc5118/ipv4-mapped-ipv6', rfcSection: '5118 §4.9', valid: true, expectStatus: INVITE_NO_USER,
    note: 'IPv4-mapped IPv6 addresses ([::ffff:192.0.2.10]) in Via and Contact; well formed.' },
  { file: 'rfc5118/ipv6-bug-abnf-3-colons', rfcSection: '5118 §4.10', valid: false, expectStatus: [400, ...OPTIONS_NO_USER], parseMayFail: true,
    note: '[2001:db8:::192.0.2.1] has three colons, allowed only by a bug in the RFC 3261 IPv6reference ABNF; it is not a valid IPv6 address (RFC 4291). A strict parser rejects it (400; we do); a lenient one may accept.' },
  { file: 'rfc5118/ipv6-correct-abnf-2-colons', rfcSection: '5118 §4.10', valid: true, expectStatus: OPTIONS_NO_USER,
    note: '[2001:db8::192.0.2.1]: the correct form of the same address; must be accepted.' },
];

/** The statuses as an array, for assertions. */
export function expectedStatuses(e: TortureExpectation): readonly number[] {
  if (e.expectStatus === undefined) return [];
  return typeof e.expectStatus === 'number' ? [e.expectStatus] : e.expectStatus;
}
