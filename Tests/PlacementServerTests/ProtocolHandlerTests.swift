import Foundation
import Placement
import PlacementServer
import Testing

/// The wire protocol of DESIGN.md section 7, answered in-process.
@Suite struct ProtocolHandlerTests {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func handler(seed: UInt64 = 1) throws -> ProtocolHandler {
    let engine = PlacementEngine(
      topology: try Topology.load(
        contentsOfFile: root.appendingPathComponent("fixtures/demo-topology.json").path),
      policies: try PolicySet.load(directory: root.appendingPathComponent("policies").path),
      configuration: EngineConfiguration(seed: seed))
    return ProtocolHandler(engine: engine)
  }

  /// Sends one line and returns the response parsed.
  static func send(_ line: String, to handler: ProtocolHandler) throws -> [String: Any] {
    let response = handler.respond(to: Array(line.utf8))
    #expect(response.last == UInt8(ascii: "\n"))
    #expect(response.dropLast().contains(UInt8(ascii: "\n")) == false)
    return try #require(try JSONSerialization.jsonObject(with: Data(response)) as? [String: Any])
  }

  static func error(_ response: [String: Any]) -> (code: String, message: String)? {
    guard response["ok"] as? Bool == false, let error = response["error"] as? [String: Any] else {
      return nil
    }
    return (error["code"] as? String ?? "", error["message"] as? String ?? "")
  }

  /// Rule hits are counted by list identity while the same rules fire; when the fired rules
  /// change back and forth, every decision must still count each rule its answer named.
  @Test func ruleHitsCountEveryRuleNamedAsTheRulesChange() throws {
    let handler = ProtocolHandler(engine: try Self.handler().engine, metrics: ServerMetrics())
    var named: [String: Int] = [:]
    for index in 0..<60 {
      let tags = [#"[]"#, #"["pii"]"#, #"["restricted"]"#, #"["pii","eu-only"]"#][index % 7 % 4]
      let budget = index % 5 == 0 ? 1 : 80
      let response = try Self.send(
        #"{"op":"place","model":"detector-s","latency_budget_ms":\#(budget),"tags":\#(tags)}"#,
        to: handler)
      let decision = try #require(response["decision"] as? [String: Any])
      for rule in try #require(decision["rules"] as? [String]) { named[rule, default: 0] += 1 }
    }
    #expect(named.count >= 3)
    let metrics = try #require(
      try Self.send(#"{"op":"metrics"}"#, to: handler)["metrics"] as? String)
    for (rule, count) in named {
      #expect(metrics.contains(#"placement_rule_hits_total{rule="\#(rule)"} \#(count)"#))
    }
  }

  @Test func placeAnswersWithTheContractFields() throws {
    let handler = try Self.handler()
    let response = try Self.send(
      #"{"op":"place","id":"r1","model":"detector-s","latency_budget_ms":80,"payload_bytes":250000,"tags":["pii"],"priority":"standard"}"#,
      to: handler)
    #expect(response["id"] as? String == "r1")
    #expect(response["ok"] as? Bool == true)
    let decision = try #require(response["decision"] as? [String: Any])
    #expect(decision["outcome"] as? String == "placed")
    #expect(decision["tier"] as? String == "edge")
    #expect(decision["pool"] as? String == "line-3")
    #expect(decision["endpoint"] as? String == "jetson-01")
    #expect(decision["estimated_ms"] as? Double == 28)
    let estimate = try #require(decision["estimate"] as? [String: Double])
    #expect(estimate == ["rtt_ms": 1, "transfer_ms": 2, "queue_ms": 0, "compute_ms": 25])
    #expect(decision["balancer"] as? String == "least_connection")
    #expect(decision["sealed"] as? Bool == false)
    #expect(decision["rules"] as? [String] == ["edge-first", "pii-approved-pools-only"])
    #expect((decision["lease"] as? String)?.count == 32)
    #expect(decision["decision_id"] as? String == decision["lease"] as? String)
  }

  @Test func fieldsComeInTheContractOrder() throws {
    let handler = try Self.handler()
    let line = String(
      decoding: handler.respond(
        to: Array(#"{"op":"place","id":"r1","model":"detector-s","latency_budget_ms":80}"#.utf8)),
      as: UTF8.self)
    let keys = [
      "\"id\"", "\"ok\"", "\"decision\"", "\"decision_id\"", "\"outcome\"", "\"tier\"", "\"pool\"",
      "\"endpoint\"", "\"estimated_ms\"", "\"estimate\"", "\"lease\"", "\"balancer\"", "\"sealed\"",
      "\"rules\"",
    ]
    let positions = keys.map { line.range(of: $0)!.lowerBound }
    #expect(positions == positions.sorted())
  }

  @Test func aRejectionCarriesItsReasonAndDetail() throws {
    let response = try Self.send(
      #"{"op":"place","id":"r3","model":"detector-s","latency_budget_ms":1,"payload_bytes":100,"tags":[]}"#,
      to: try Self.handler())
    let decision = try #require(response["decision"] as? [String: Any])
    #expect(decision["outcome"] as? String == "rejected")
    #expect(decision["reason"] as? String == "over_budget")
    #expect((decision["detail"] as? String)?.isEmpty == false)
    #expect(decision["lease"] == nil)
  }

  @Test func explainListsCandidatesAndTakesNoLease() throws {
    let handler = try Self.handler()
    let response = try Self.send(
      #"{"op":"explain","id":"x","model":"detector-xl","latency_budget_ms":150,"payload_bytes":120000,"tags":["pii"]}"#,
      to: handler)
    let decision = try #require(response["decision"] as? [String: Any])
    #expect(decision["lease"] == nil)
    let candidates = try #require(decision["candidates"] as? [[String: Any]])
    #expect(candidates.count == 8)
    let a100 = try #require(candidates.first { $0["endpoint"] as? String == "a100-a" })
    #expect((a100["excluded"] as? [String: Any])?["reason"] as? String == "forbidden")
    #expect(
      (a100["excluded"] as? [String: Any])?["rules"] as? [String] == ["pii-approved-pools-only"])
    let status = try Self.send(#"{"op":"status"}"#, to: handler)
    #expect((status["status"] as? [String: Any])?["active_leases"] as? Int == 0)
  }

  @Test func aSealedDecisionSaysSo() throws {
    let response = try Self.send(
      #"{"op":"place","id":"r2","model":"detector-xl","latency_budget_ms":200,"payload_bytes":3,"tags":["restricted-not"]}"#,
      to: try Self.handler())
    let decision = try #require(response["decision"] as? [String: Any])
    // detector-xl: the edge's 96 ms meets 200 ms and edge-first wins; with a 50 ms budget it
    // leaves the site, sealed.
    #expect(decision["tier"] as? String == "edge")
    let cloud = try Self.send(
      #"{"op":"place","id":"r2","model":"detector-xl","latency_budget_ms":50,"payload_bytes":3}"#,
      to: try Self.handler())
    let sealed = try #require(cloud["decision"] as? [String: Any])
    #expect(sealed["tier"] as? String == "cloud")
    #expect(sealed["sealed"] as? Bool == true)
    #expect(sealed["rules"] as? [String] == ["seal-off-site"])
  }

  @Test func completeReleasesTheLeaseAndAnUnknownLeaseIsAnError() throws {
    let handler = try Self.handler()
    let placed = try Self.send(
      #"{"op":"place","model":"detector-s","latency_budget_ms":80}"#, to: handler)
    let lease = try #require((placed["decision"] as? [String: Any])?["lease"] as? String)
    let done = try Self.send(
      #"{"op":"complete","id":"c1","lease":"\#(lease)","observed_ms":29.5,"status":"ok"}"#,
      to: handler)
    #expect(done["ok"] as? Bool == true)
    #expect(done["id"] as? String == "c1")
    let again = try Self.send(
      #"{"op":"complete","id":"c2","lease":"\#(lease)","observed_ms":29.5}"#, to: handler)
    #expect(Self.error(again)?.code == "unknown_lease")
    #expect(again["id"] as? String == "c2")
  }

  @Test func healthMarksAnEndpointDownAndUnknownEndpointsAreErrors() throws {
    let handler = try Self.handler()
    for endpoint in ["jetson-01", "jetson-02", "jetson-03", "jetson-04"] {
      let response = try Self.send(
        #"{"op":"health","endpoint":"\#(endpoint)","state":"down"}"#, to: handler)
      #expect(response["ok"] as? Bool == true)
    }
    let placed = try Self.send(
      #"{"op":"place","model":"detector-s","latency_budget_ms":80}"#, to: handler)
    #expect((placed["decision"] as? [String: Any])?["tier"] as? String == "cloud")
    let unknown = try Self.send(#"{"op":"health","endpoint":"nope","state":"down"}"#, to: handler)
    #expect(Self.error(unknown)?.code == "unknown_endpoint")
    let badState = try Self.send(
      #"{"op":"health","endpoint":"jetson-01","state":"sideways"}"#, to: handler)
    #expect(Self.error(badState)?.code == "bad_request")
  }

  @Test(arguments: [
    (
      #"{"op":"place","id":"r4","latency_budget_ms":"fast"}"#, "bad_request",
      ["model", "latency_budget_ms"]
    ),
    (
      #"{"op":"place","model":"detector-s","latency_budget_ms":80,"tag":["pii"]}"#, "bad_request",
      ["tag"]
    ),
    (
      #"{"op":"place","model":"detector-s","latency_budget_ms":0}"#, "bad_request",
      ["latency_budget_ms"]
    ),
    (
      #"{"op":"place","model":"detector-s","latency_budget_ms":80,"payload_bytes":-1}"#,
      "bad_request", ["payload_bytes"]
    ),
    (
      #"{"op":"place","model":"detector-s","latency_budget_ms":80,"payload_bytes":1.5}"#,
      "bad_request", ["payload_bytes"]
    ),
    (
      #"{"op":"place","model":"detector-s","latency_budget_ms":80,"payload":"AQID","payload_bytes":4}"#,
      "bad_request", ["payload_bytes"]
    ),
    (
      #"{"op":"place","model":"detector-s","latency_budget_ms":80,"payload":"%%%"}"#, "bad_request",
      ["payload"]
    ),
    (
      #"{"op":"place","model":"detector-s","latency_budget_ms":80,"tags":"pii"}"#, "bad_request",
      ["tags"]
    ),
    (
      #"{"op":"place","model":"detector-s","latency_budget_ms":80,"tags":["pii"],"tags":[]}"#,
      "bad_request", ["tags", "repeated"]
    ),
    (
      #"{"op":"place","model":"detector-s","latency_budget_ms":80,"priority":"urgent"}"#,
      "bad_request", ["priority"]
    ),
    (#"{"op":"complete","lease":"x"}"#, "bad_request", ["observed_ms"]),
    (#"{"op":"complete","lease":"x","observed_ms":-2}"#, "bad_request", ["observed_ms"]),
    (#"{"op":"complete","lease":"x","observed_ms":2,"status":"meh"}"#, "bad_request", ["status"]),
    (#"{"op":"launch"}"#, "unknown_op", ["launch"]),
    (#"{"model":"detector-s"}"#, "bad_request", ["op"]),
    (#"[1,2]"#, "bad_request", ["object"]),
    (#"{"op":"place","#, "bad_request", ["invalid JSON"]),
    (#"{"op":"reload"}"#, "unknown_op", ["daemon"]),
  ])
  func badLinesGetAnErrorThatNamesTheField(line: String, code: String, mentions: [String]) throws {
    let handler = try Self.handler()
    let response = try Self.send(line, to: handler)
    let error = try #require(Self.error(response))
    #expect(error.code == code)
    for word in mentions {
      #expect(error.message.contains(word), "\(error.message) should mention \(word)")
    }
    // The handler goes on answering after any error.
    #expect(try Self.send(#"{"op":"ping","id":"p"}"#, to: handler)["ok"] as? Bool == true)
  }

  @Test func theIdIsEchoedOnErrorsToo() throws {
    let response = try Self.send(
      #"{"op":"place","id":"r4","latency_budget_ms":"fast"}"#, to: try Self.handler())
    #expect(response["id"] as? String == "r4")
  }

  @Test func thePayloadLengthIsThePayloadBytesWhenOnlyThePayloadIsGiven() throws {
    let response = try Self.send(
      #"{"op":"explain","model":"detector-s","latency_budget_ms":80,"payload":"\#(Data(count: 125_000).base64EncodedString())"}"#,
      to: try Self.handler())
    let decision = try #require(response["decision"] as? [String: Any])
    #expect((decision["estimate"] as? [String: Double])?["transfer_ms"] == 1)
  }
}
