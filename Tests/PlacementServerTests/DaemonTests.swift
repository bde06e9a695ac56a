import Dispatch
import Foundation
import PlacementServer
import Synchronization
import Testing

/// `placement serve` end to end: a real daemon on a real Unix socket (issue 4).
@Suite struct DaemonTests {
  typealias D = DaemonFixture

  @Test func everyOperationIsAnswered() throws {
    let daemon = try DaemonFixture()
    let client = try daemon.client()
    func ask(_ line: String) throws -> [String: Any] {
      try D.object(try #require(try client.request(line)))
    }
    #expect(try ask(#"{"op":"ping","id":"p"}"#)["id"] as? String == "p")
    let placed = try ask(
      #"{"op":"place","id":"r1","model":"detector-s","latency_budget_ms":80,"payload_bytes":250000,"tags":["pii"]}"#
    )
    let decision = try #require(placed["decision"] as? [String: Any])
    #expect(decision["endpoint"] as? String == "jetson-01")
    let lease = try #require(decision["lease"] as? String)
    let explained = try ask(#"{"op":"explain","model":"detector-s","latency_budget_ms":80}"#)
    #expect(((explained["decision"] as? [String: Any])?["candidates"] as? [Any])?.count == 11)
    #expect(
      try ask(#"{"op":"complete","lease":"\#(lease)","observed_ms":29.5,"status":"ok"}"#)["ok"]
        as? Bool == true)
    #expect(try ask(#"{"op":"health","endpoint":"h100-a","state":"down"}"#)["ok"] as? Bool == true)
    let status = try #require(try ask(#"{"op":"status"}"#)["status"] as? [String: Any])
    let endpoints = try #require(status["endpoints"] as? [[String: Any]])
    #expect(
      endpoints.first { $0["endpoint"] as? String == "h100-a" }?["state"] as? String == "down")
    let metrics = try #require(try ask(#"{"op":"metrics"}"#)["metrics"] as? String)
    #expect(
      metrics.contains(#"placement_decisions_total{tier="edge",pool="line-3",outcome="placed"} 1"#))
    #expect(
      metrics.contains(
        #"placement_endpoint_up{endpoint="h100-a",pool="eu-west-h100",state="down"} 0"#))
    #expect(metrics.contains("placement_decision_seconds_count 1"))
    #expect(metrics.contains(#"placement_rule_hits_total{rule="edge-first"} 1"#))
    #expect((try ask(#"{"op":"reload"}"#)["reloaded"] as? String)?.contains("5 rules") == true)
    #expect(daemon.stop().status == 0)
  }

  @Test(arguments: [
    ("{not json", "bad_request"),
    (#"{"op":"place","latency_budget_ms":"fast"}"#, "bad_request"),
    (#"{"op":"launch"}"#, "unknown_op"),
    (
      #"{"op":"complete","lease":"0123456789abcdef0123456789abcdef","observed_ms":1}"#,
      "unknown_lease"
    ),
    (#"{"op":"health","endpoint":"nope","state":"up"}"#, "unknown_endpoint"),
  ])
  func errorsKeepTheConnectionUsable(line: String, code: String) throws {
    let daemon = try DaemonFixture()
    let client = try daemon.client()
    #expect(D.errorCode(try D.object(try #require(try client.request(line)))) == code)
    #expect(try client.request(#"{"op":"ping","id":"after"}"#) == #"{"id":"after","ok":true}"#)
  }

  @Test func aLineOverTheLimitIsTooLargeAndFramingSurvives() throws {
    let daemon = try DaemonFixture(["--max-line", "200"])
    let client = try daemon.client()
    // One line in one write, and one trickled in pieces longer than the limit.
    try client.send(line: String(repeating: "x", count: 300))
    #expect(D.errorCode(try D.object(try #require(try client.readLine()))) == "too_large")
    for _ in 0..<5 { try client.send(Array(String(repeating: "y", count: 100).utf8)) }
    try client.send(line: "")
    #expect(D.errorCode(try D.object(try #require(try client.readLine()))) == "too_large")
    #expect(try client.request(#"{"op":"ping"}"#) == #"{"ok":true}"#)
  }

  @Test func aThousandPipelinedRequestsAreAnsweredInOrder() throws {
    let daemon = try DaemonFixture()
    let client = try daemon.client()
    var batch = ""
    for index in 0..<1000 {
      batch +=
        #"{"op":"place","id":"r\#(index)","model":"anomaly-lstm","latency_budget_ms":50}"# + "\n"
    }
    try client.send(Array(batch.utf8))
    for index in 0..<1000 {
      let response = try D.object(try #require(try client.readLine()))
      #expect(response["id"] as? String == "r\(index)")
      #expect(response["ok"] as? Bool == true)
    }
  }

  @Test func fiftyClientsAtOnce() throws {
    let daemon = try DaemonFixture()
    let socket = daemon.socket
    let wrong = Tally()
    DispatchQueue.concurrentPerform(iterations: 50) { client in
      do {
        let connection = try PlacementClient(socketPath: socket)
        for request in 0..<20 {
          let id = "c\(client)-\(request)"
          let line = try connection.request(
            #"{"op":"explain","id":"\#(id)","model":"detector-s","latency_budget_ms":80}"#)
          if try D.object(try #require(line))["id"] as? String != id { wrong.add() }
        }
      } catch {
        wrong.add()
      }
    }
    #expect(wrong.count == 0)
  }

  @Test func aStalledClientDelaysNobody() throws {
    let daemon = try DaemonFixture()
    // One client sends half a line and stalls; another floods requests and never reads.
    let stalled = try daemon.client()
    try stalled.send(Array(#"{"op":"place","model":"detec"#.utf8))
    let flooder = try daemon.client()
    let flood = String(
      repeating: #"{"op":"explain","model":"detector-s","latency_budget_ms":80}"# + "\n",
      count: 20_000)
    DispatchQueue.global().async { try? flooder.send(Array(flood.utf8)) }
    // Others are still served, promptly.
    let started = Date()
    for index in 0..<20 {
      let response = try daemon.ask(#"{"op":"ping","id":"\#(index)"}"#)
      #expect(response["id"] as? String == "\(index)")
    }
    #expect(Date().timeIntervalSince(started) < 5)
    // The stalled client's line completes when the rest arrives.
    try stalled.send(Array(#"tor-s","latency_budget_ms":80}"#.utf8) + [0x0A])
    #expect((try D.object(try #require(try stalled.readLine())))["ok"] as? Bool == true)
  }

  @Test func reloadKeepsTheOldPolicyUntilTheNewOneIsValid() throws {
    let daemon = try DaemonFixture()
    let request = #"{"op":"place","model":"detector-s","latency_budget_ms":80}"#
    let before = try daemon.ask(request)
    #expect(((before["decision"] as? [String: Any])?["rules"] as? [String]) == ["edge-first"])
    let file = daemon.policies.appendingPathComponent("default.policy")
    var text = try String(contentsOf: file, encoding: .utf8)
    text = text.replacingOccurrences(
      of: #"target.tier == "edge";"#, with: #"target.tier == "edge" and request.budget > 1;"#)
    try text.write(to: file, atomically: true, encoding: .utf8)
    let failed = try daemon.ask(#"{"op":"reload","id":"r"}"#)
    #expect(D.errorCode(failed) == "bad_request")
    let message = try #require((failed["error"] as? [String: Any])?["message"] as? String)
    #expect(message.contains("default.policy:"))
    #expect(message.contains("request.latency_budget_ms"))
    // The old policy is still in force.
    let during = try daemon.ask(request)
    #expect(((during["decision"] as? [String: Any])?["rules"] as? [String]) == ["edge-first"])
    // A fixed file takes effect: the edge preference is renamed.
    text = try String(contentsOf: daemon.root("policies/default.policy"), encoding: .utf8)
      .replacingOccurrences(of: #"prefer "edge-first""#, with: #"prefer "stay-local""#)
    try text.write(to: file, atomically: true, encoding: .utf8)
    #expect(try daemon.ask(#"{"op":"reload"}"#)["ok"] as? Bool == true)
    let after = try daemon.ask(request)
    #expect(((after["decision"] as? [String: Any])?["rules"] as? [String]) == ["stay-local"])
    // SIGHUP reloads too.
    try String(contentsOf: daemon.root("policies/default.policy"), encoding: .utf8).write(
      to: file, atomically: true, encoding: .utf8)
    kill(daemon.process.processIdentifier, SIGHUP)
    var rules: [String]?
    for _ in 0..<100 {
      rules = (try daemon.ask(request)["decision"] as? [String: Any])?["rules"] as? [String]
      if rules == ["edge-first"] { break }
      usleep(20_000)
    }
    #expect(rules == ["edge-first"])
  }

  @Test func sigtermAnswersEverythingReceivedAndRemovesTheSocket() throws {
    let daemon = try DaemonFixture()
    let client = try daemon.client()
    var batch = ""
    for index in 0..<500 {
      batch +=
        #"{"op":"place","id":"r\#(index)","model":"anomaly-lstm","latency_budget_ms":50}"# + "\n"
    }
    try client.send(Array(batch.utf8))
    _ = try client.readLine()  // the daemon is at work on the batch
    kill(daemon.process.processIdentifier, SIGTERM)
    var answered = 1
    while let line = try client.readLine() {
      #expect(try D.object(line)["ok"] as? Bool == true)
      answered += 1
    }
    #expect(answered == 500)
    let stopped = daemon.stop()
    #expect(stopped.status == 0)
    #expect(stopped.errors.contains("stopped"))
    #expect(!FileManager.default.fileExists(atPath: daemon.socket))
  }

  @Test func theSocketIsOwnerAndGroupOnly() throws {
    let daemon = try DaemonFixture()
    let mode =
      try FileManager.default.attributesOfItem(atPath: daemon.socket)[.posixPermissions] as? Int
    #expect(mode == 0o660)
    let custom = try DaemonFixture(["--socket-mode", "600"])
    #expect(
      try FileManager.default.attributesOfItem(atPath: custom.socket)[.posixPermissions] as? Int
        == 0o600)
  }

  @Test func aPeerThatIsNotAllowedIsRefused() throws {
    let daemon = try DaemonFixture(["--allow-uid", "4242"])
    let client = try daemon.client()
    let refusal = try D.object(try #require(try client.readLine()))
    #expect(D.errorCode(refusal) == "forbidden_peer")
    #expect(try client.readLine() == nil)  // and disconnected
    let allowed = try DaemonFixture(["--allow-uid", "4242", "--allow-gid", "\(getgid())"])
    #expect(try allowed.ask(#"{"op":"ping"}"#)["ok"] as? Bool == true)
  }

  @Test func connectionsBeyondTheLimitAreRefused() throws {
    let daemon = try DaemonFixture(["--max-connections", "2"])
    usleep(300_000)  // let the daemon see the fixture's readiness probe close
    let first = try daemon.client()
    let second = try daemon.client()
    #expect(try first.request(#"{"op":"ping"}"#) != nil)
    #expect(try second.request(#"{"op":"ping"}"#) != nil)
    let third = try daemon.client()
    #expect(D.errorCode(try D.object(try #require(try third.readLine()))) == "too_large")
    #expect(try first.request(#"{"op":"ping"}"#) == #"{"ok":true}"#)
  }

  @Test func anIdleConnectionIsClosed() throws {
    let daemon = try DaemonFixture(["--idle-timeout", "1"])
    let client = try daemon.client()
    #expect(try client.request(#"{"op":"ping"}"#) != nil)
    let started = Date()
    #expect(try client.readLine() == nil)
    #expect(Date().timeIntervalSince(started) < 4)
  }

  @Test func aStaleSocketIsReplacedButALiveDaemonOrAnotherFileIsNot() throws {
    let daemon = try DaemonFixture()
    // A second daemon on the live socket refuses to start.
    let second = try DaemonFixture(start: false)
    second.process.arguments = [
      "serve", "--socket", daemon.socket, "--topology", daemon.topology.path, "--policies",
      daemon.policies.path, "--no-audit",
    ]
    try second.process.run()
    let refused = second.stop()
    #expect(refused.status == 2)
    #expect(refused.errors.contains("another daemon is listening"))
    // Killed without cleanup, the first leaves a stale socket; a new daemon takes the path.
    daemon.stop(signal: SIGKILL)
    #expect(FileManager.default.fileExists(atPath: daemon.socket))
    let third = try DaemonFixture(start: false)
    third.process.arguments = [
      "serve", "--socket", daemon.socket, "--topology", daemon.topology.path, "--policies",
      daemon.policies.path, "--no-audit",
    ]
    try third.process.run()
    var answered = false
    for _ in 0..<200 where !answered {
      answered = (try? PlacementClient(socketPath: daemon.socket).request(#"{"op":"ping"}"#)) != nil
      usleep(25_000)
    }
    #expect(answered)
    third.stop()
    // A regular file at the path is never removed.
    let file = third.directory.appendingPathComponent("not-a-socket")
    try "keep me".write(to: file, atomically: true, encoding: .utf8)
    let fourth = try DaemonFixture(start: false)
    fourth.process.arguments = ["serve", "--socket", file.path, "--no-audit"]
    try fourth.process.run()
    let result = fourth.stop()
    #expect(result.status == 2)
    #expect(result.errors.contains("is not a socket"))
    #expect(try String(contentsOf: file, encoding: .utf8) == "keep me")
  }

  @Test func aSocketPathTooLongSaysSo() throws {
    let daemon = try DaemonFixture(start: false)
    daemon.process.arguments = [
      "serve", "--socket", "/tmp/" + String(repeating: "d", count: 120) + ".sock", "--no-audit",
    ]
    try daemon.process.run()
    let result = daemon.stop()
    #expect(result.status == 2)
    #expect(result.errors.contains("at most 107"))
  }

  @Test func theMetricsFileIsWrittenForTheTextfileCollector() throws {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("placement-\(UUID()).prom").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let withFile = try DaemonFixture(["--metrics-file", path, "--metrics-interval", "0.2"])
    _ = try withFile.ask(#"{"op":"place","model":"detector-s","latency_budget_ms":80}"#)
    var text = ""
    for _ in 0..<50 {
      text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
      if text.contains(#"outcome="placed"} 1"#) { break }
      usleep(100_000)
    }
    #expect(text.contains("# TYPE placement_decisions_total counter"))
    #expect(text.contains(#"outcome="placed"} 1"#))
  }
}

extension DaemonFixture {
  /// A file of the checkout, for restoring what a test changed.
  func root(_ relative: String) -> URL { Self.root.appendingPathComponent(relative) }
}

/// A thread-safe count.
final class Tally: Sendable {
  private let value = Mutex(0)
  func add() { value.withLock { $0 += 1 } }
  var count: Int { value.withLock { $0 } }
}
