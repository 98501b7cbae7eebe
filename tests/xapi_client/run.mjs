// Drives the built-in LRS with @xapi/xapi (a real third-party xAPI client) and prints what it saw
// as JSON; tests/e2e/test_xapi_client.py runs it against the local stack and checks the output.
// Usage: node run.mjs ENDPOINT KEY SECRET
import { createHash, randomUUID } from 'node:crypto';
import XAPI from '@xapi/xapi';

const [endpoint, key, secret] = process.argv.slice(2);
const xapi = new XAPI({ endpoint: endpoint.replace(/\/?$/, '/'), auth: XAPI.toBasicAuth(key, secret) });
// In Node, the default axios adapter replaces the client's multipart/mixed Content-Type with
// application/octet-stream for a Blob body (our LRS then answers 400), so attachments go
// through the library's fetch adapter, which keeps it.
const xapiFetch = new XAPI({ endpoint: endpoint.replace(/\/?$/, '/'), auth: XAPI.toBasicAuth(key, secret),
  adapter: 'fetch' });
const actor = { objectType: 'Agent', name: 'Node Client', mbox: `mailto:node-${randomUUID()}@example.com` };
const activity = { objectType: 'Activity', id: 'http://example.com/xapi-client/golf' };
const out = {};

const plain = { id: randomUUID(), actor, verb: XAPI.Verbs.PROGRESSED, object: activity };
out.sent = (await xapi.sendStatement({ statement: plain })).data;
out.plainId = plain.id;

const text = 'Certificate for Node Client';
const bytes = new TextEncoder().encode(text);
const withAttachment = {
  id: randomUUID(), actor, verb: XAPI.Verbs.COMPLETED, object: activity,
  attachments: [{
    usageType: XAPI.AttachmentUsages.CERTIFICATE_OF_COMPLETION,
    display: { 'en-US': 'certificate' }, contentType: 'text/plain', length: bytes.length,
    sha2: createHash('sha256').update(bytes).digest('hex'),
  }],
};
out.attachmentSent = (await xapiFetch.sendStatement({ statement: withAttachment, attachments: [bytes.buffer] })).data;
out.attachmentId = withAttachment.id;

const listed = (await xapi.getStatements({ agent: actor })).data;
out.listedIds = listed.statements.map((s) => s.id);
const fetched = (await xapi.getStatement({ statementId: withAttachment.id, attachments: true })).data;
out.fetchedAttachmentParts = Array.isArray(fetched) ? fetched.length : 0;
out.fetchedAttachmentText = Array.isArray(fetched) && fetched[1] ? String(fetched[1]) : null;

const state = { bookmark: 'page-3', score: 42 };
const where = { agent: actor, activityId: activity.id, stateId: 'resume' };
await xapi.setState({ ...where, state });
out.state = (await xapi.getState(where)).data;
out.about = (await xapi.getAbout()).data;

console.log(JSON.stringify(out));
