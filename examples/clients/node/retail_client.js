#!/usr/bin/env node
// A Vigil sidecar client in Node.js: plays a short retail conversation and checks the decisions.
//
// Uses @grpc/grpc-js and @grpc/proto-loader (npm ci in this directory), which load
// proto/src/main/proto/vigil/guard/v1/guard.proto at run time (no generated code).
//
//   vigil serve --policies examples/retail --port 50051 &
//   node examples/clients/node/retail_client.js --target 127.0.0.1:50051
//
// Exit status: 0 when every decision is the expected one, 1 when one is not, 2 on a usage or
// connection error.
'use strict';

const path = require('path');
const crypto = require('crypto');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

function parseArgs(argv) {
  const args = {
    target: '127.0.0.1:50051',
    protoRoot: path.resolve(__dirname, '..', '..', '..', 'proto', 'src', 'main', 'proto'),
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--target') args.target = argv[++i];
    else if (argv[i] === '--proto-root') args.protoRoot = argv[++i];
    else throw new Error(`unknown argument ${argv[i]} (use --target HOST:PORT [--proto-root DIR])`);
  }
  return args;
}

function loadGuard(protoRoot) {
  const definition = protoLoader.loadSync('vigil/guard/v1/guard.proto', {
    includeDirs: [protoRoot],
    keepCase: true, // field names as in the .proto: session_id, args_json, ...
    longs: String,
    enums: String, // verdicts as names: 'ALLOW', 'DENY', 'ERROR'
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).vigil.guard.v1.Guard;
}

/** A unary call as a promise, with a deadline. */
function call(client, method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + 30000 }, (err, response) => (err ? reject(err) : resolve(response)));
  });
}

/** One session: records messages and results, checks each tool call before "executing" it. */
class Conversation {
  constructor(client, policy) {
    this.client = client;
    this.policy = policy;
    this.sessionId = 'node-' + crypto.randomBytes(6).toString('hex');
    this.decisions = 0;
  }

  async create() {
    await call(this.client, 'CreateSession', { session_id: this.sessionId, policy: this.policy });
    return this;
  }

  user(text) {
    return this.record({ user_message: { text } });
  }

  assistant(text) {
    return this.record({ assistant_message: { text } });
  }

  record(event) {
    return call(this.client, 'Record', { session_id: this.sessionId, events: [event] });
  }

  /** Asks whether the call may run; when allowed (and recorded), records its output. */
  async tool(id, tool, args, output) {
    const response = await call(this.client, 'Check', {
      session_id: this.sessionId,
      call: { id, tool, args_json: JSON.stringify(args) },
      record_if_allowed: true,
    });
    const decision = response.decision;
    this.decisions++;
    const rules = decision.violations.map((v) => v.rule);
    console.log(`${this.sessionId} ${decision.verdict} ${tool}${rules.length ? ' ' + rules.join(',') : ''}`);
    if (decision.allowed) {
      if (!response.recorded) throw new Error(`${tool} was allowed but not recorded`);
      await this.record({ tool_result: { id, tool, output_json: JSON.stringify(output) } });
    }
    return decision;
  }
}

function expect(decision, verdict, rule, reasonPart) {
  if (decision.verdict !== verdict) {
    throw new Error(`expected ${verdict}, got ${decision.verdict}: ${JSON.stringify(decision)}`);
  }
  if (rule) {
    const violation = decision.violations.find((v) => v.rule === rule);
    if (!violation) throw new Error(`expected rule ${rule} among ${decision.violations.map((v) => v.rule)}`);
    if (!violation.reason.includes(reasonPart)) {
      throw new Error(`reason of ${rule} lacks ${JSON.stringify(reasonPart)}: ${JSON.stringify(violation.reason)}`);
    }
    console.log('  reason: ' + violation.reason);
  }
}

const USER = {
  name: { first_name: 'Yusuf', last_name: 'Rossi' },
  email: 'yusuf.rossi7301@example.com',
  payment_methods: { credit_card_9513926: { source: 'credit_card', id: 'credit_card_9513926' } },
  orders: ['#W6247578', '#W2611340'],
};
const ORDER = {
  order_id: '#W2611340',
  user_id: 'yusuf_rossi_9620',
  status: 'pending',
  items: [{ name: 'Water Bottle', item_id: '6469567736', price: 47.84 }],
  payment_history: [{ transaction_type: 'payment', amount: 47.84, payment_method_id: 'credit_card_9513926' }],
};

async function play(client) {
  // A compliant conversation: authenticate, read the order, confirm, cancel.
  const c = await new Conversation(client, 'retail').create();
  await c.user('Hi, please cancel my order #W2611340. My email is yusuf.rossi7301@example.com');
  expect(await c.tool('call_1', 'find_user_id_by_email', { email: 'yusuf.rossi7301@example.com' }, 'yusuf_rossi_9620'), 'ALLOW');
  expect(await c.tool('call_2', 'get_user_details', { user_id: 'yusuf_rossi_9620' }, USER), 'ALLOW');
  expect(await c.tool('call_3', 'get_order_details', { order_id: '#W2611340' }, ORDER), 'ALLOW');
  await c.assistant("Order #W2611340 is pending. I will cancel it with the reason 'no longer needed'. Do you confirm (yes/no)?");
  await c.user('Yes, go ahead.');
  const cancelled = { ...ORDER, status: 'cancelled' };
  expect(await c.tool('call_4', 'cancel_pending_order', { order_id: '#W2611340', reason: 'no longer needed' }, cancelled), 'ALLOW');

  // Reading an order before authenticating the user is denied, with the rule and its reason.
  const d = await new Conversation(client, 'retail').create();
  await d.user("Hi, what's the status of my order #W2611340?");
  const denied = await d.tool('call_1', 'get_order_details', { order_id: '#W2611340' }, ORDER);
  expect(denied, 'DENY', 'authenticate_first', 'authenticate the user first');
  if (denied.allowed) throw new Error('a denied call was reported allowed');
  return c.decisions + d.decisions;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error('node client: ' + e.message);
    return 2;
  }
  const Guard = loadGuard(args.protoRoot);
  const client = new Guard(args.target, grpc.credentials.createInsecure());
  try {
    await new Promise((resolve, reject) =>
      client.waitForReady(Date.now() + 30000, (err) => (err ? reject(err) : resolve())));
  } catch (e) {
    console.error(`node client: no server at ${args.target}: ${e.message}`);
    client.close();
    return 2;
  }
  try {
    const n = await play(client);
    console.log(`node client: ok (${n} decisions as expected)`);
    return 0;
  } catch (e) {
    console.error('node client: FAILED: ' + (e.details || e.message));
    return 1;
  } finally {
    client.close();
  }
}

main().then((code) => {
  process.exitCode = code;
});
