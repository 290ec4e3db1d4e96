#!/usr/bin/python3
"""A Vigil sidecar client in Python: plays a short retail conversation and checks the decisions.

Runs with Debian's python3-grpcio and python3-protobuf (use /usr/bin/python3). The gRPC stubs are
generated from proto/src/main/proto/vigil/guard/v1/guard.proto into a temporary directory with
protoc and grpc_python_plugin (Debian: protobuf-compiler, protobuf-compiler-grpc).

    vigil serve --policies examples/retail --port 50051 &
    /usr/bin/python3 examples/clients/python/retail_client.py --target 127.0.0.1:50051

Exit status: 0 when every decision is the expected one, 1 when one is not, 2 on a usage or
connection error.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PROTO_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", "proto", "src", "main", "proto"))
PROTO_FILE = "vigil/guard/v1/guard.proto"


def load_stubs(proto_root, out_dir):
    """Generates guard_pb2 and guard_pb2_grpc into out_dir and imports them."""
    plugin = shutil.which("grpc_python_plugin") or "/usr/bin/grpc_python_plugin"
    subprocess.run(
        ["protoc", "-I", proto_root, "--python_out", out_dir, "--grpc_python_out", out_dir,
         "--plugin=protoc-gen-grpc_python=" + plugin, os.path.join(proto_root, PROTO_FILE)],
        check=True)
    sys.path.insert(0, out_dir)
    from vigil.guard.v1 import guard_pb2, guard_pb2_grpc  # noqa: E402  (generated above)
    return guard_pb2, guard_pb2_grpc


class Conversation:
    """One session: records messages and results, checks each tool call before 'executing' it."""

    def __init__(self, pb, stub, policy):
        self.pb = pb
        self.stub = stub
        self.session_id = "py-" + uuid.uuid4().hex[:12]
        stub.CreateSession(pb.CreateSessionRequest(session_id=self.session_id, policy=policy), timeout=30)
        self.decisions = 0

    def user(self, text):
        self._record(self.pb.Event(user_message=self.pb.UserMessage(text=text)))

    def assistant(self, text):
        self._record(self.pb.Event(assistant_message=self.pb.AssistantMessage(text=text)))

    def tool(self, call_id, tool, args, output):
        """Asks whether the call may run; when allowed (and recorded), records its output."""
        call = self.pb.ToolCall(id=call_id, tool=tool, args_json=json.dumps(args))
        response = self.stub.Check(
            self.pb.CheckRequest(session_id=self.session_id, call=call, record_if_allowed=True), timeout=30)
        decision = response.decision
        self.decisions += 1
        verdict = self.pb.Verdict.Name(decision.verdict)
        rules = [v.rule for v in decision.violations]
        print("%s %s %s%s" % (self.session_id, verdict, tool, (" " + ",".join(rules)) if rules else ""))
        if decision.allowed:
            if not response.recorded:
                raise AssertionError("%s was allowed but not recorded" % tool)
            result = self.pb.ToolResult(id=call_id, tool=tool, output_json=json.dumps(output))
            self._record(self.pb.Event(tool_result=result))
        return decision

    def _record(self, event):
        self.stub.Record(self.pb.RecordRequest(session_id=self.session_id, events=[event]), timeout=30)


USER = {"name": {"first_name": "Yusuf", "last_name": "Rossi"}, "email": "yusuf.rossi7301@example.com",
        "payment_methods": {"credit_card_9513926": {"source": "credit_card", "id": "credit_card_9513926"}},
        "orders": ["#W6247578", "#W2611340"]}
ORDER = {"order_id": "#W2611340", "user_id": "yusuf_rossi_9620", "status": "pending",
         "items": [{"name": "Water Bottle", "item_id": "6469567736", "price": 47.84}],
         "payment_history": [{"transaction_type": "payment", "amount": 47.84,
                              "payment_method_id": "credit_card_9513926"}]}


def expect(decision, pb, verdict, rule=None, reason_part=None):
    got = pb.Verdict.Name(decision.verdict)
    if got != verdict:
        raise AssertionError("expected %s, got %s: %s" % (verdict, got, decision))
    if rule is not None:
        violation = next((v for v in decision.violations if v.rule == rule), None)
        if violation is None:
            raise AssertionError("expected rule %s among %s" % (rule, [v.rule for v in decision.violations]))
        if reason_part not in violation.reason:
            raise AssertionError("reason of %s lacks %r: %r" % (rule, reason_part, violation.reason))
        print("  reason: " + violation.reason)


def play(pb, stub):
    # A compliant conversation: authenticate, read the order, confirm, cancel.
    c = Conversation(pb, stub, "retail")
    c.user("Hi, please cancel my order #W2611340. My email is yusuf.rossi7301@example.com")
    expect(c.tool("call_1", "find_user_id_by_email", {"email": "yusuf.rossi7301@example.com"}, "yusuf_rossi_9620"),
           pb, "ALLOW")
    expect(c.tool("call_2", "get_user_details", {"user_id": "yusuf_rossi_9620"}, USER), pb, "ALLOW")
    expect(c.tool("call_3", "get_order_details", {"order_id": "#W2611340"}, ORDER), pb, "ALLOW")
    c.assistant("Order #W2611340 is pending. I will cancel it with the reason 'no longer needed'. Do you confirm (yes/no)?")
    c.user("Yes, go ahead.")
    cancelled = dict(ORDER, status="cancelled")
    expect(c.tool("call_4", "cancel_pending_order", {"order_id": "#W2611340", "reason": "no longer needed"}, cancelled),
           pb, "ALLOW")

    # Reading an order before authenticating the user is denied, with the rule and its reason.
    d = Conversation(pb, stub, "retail")
    d.user("Hi, what's the status of my order #W2611340?")
    denied = d.tool("call_1", "get_order_details", {"order_id": "#W2611340"}, ORDER)
    expect(denied, pb, "DENY", "authenticate_first", "authenticate the user first")
    if denied.allowed:
        raise AssertionError("a denied call was reported allowed")
    return c.decisions + d.decisions


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="127.0.0.1:50051", help="host:port of vigil serve")
    parser.add_argument("--proto-root", default=DEFAULT_PROTO_ROOT, help="directory holding " + PROTO_FILE)
    args = parser.parse_args()
    try:
        import grpc
    except ImportError:
        print("python client: the grpc module is missing (Debian: apt-get install python3-grpcio python3-protobuf;"
              " run with /usr/bin/python3)", file=sys.stderr)
        return 2
    out_dir = tempfile.mkdtemp(prefix="vigil-py-stubs-")
    try:
        try:
            pb, pb_grpc = load_stubs(args.proto_root, out_dir)
        except (OSError, subprocess.CalledProcessError) as e:
            print("python client: cannot generate the stubs with protoc: %s" % e, file=sys.stderr)
            return 2
        with grpc.insecure_channel(args.target) as channel:
            try:
                grpc.channel_ready_future(channel).result(timeout=30)
            except grpc.FutureTimeoutError:
                print("python client: no server at %s" % args.target, file=sys.stderr)
                return 2
            try:
                n = play(pb, pb_grpc.GuardStub(channel))
            except AssertionError as e:
                print("python client: FAILED: %s" % e, file=sys.stderr)
                return 1
            except grpc.RpcError as e:
                print("python client: RPC failed: %s %s" % (e.code(), e.details()), file=sys.stderr)
                return 1
        print("python client: ok (%d decisions as expected)" % n)
        return 0
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
