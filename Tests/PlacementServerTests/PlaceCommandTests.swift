import Foundation
import Testing

/// `placement place` as another program drives it (DESIGN.md section 10): request lines on
/// standard input, each answered on standard output as soon as it is read.
@Suite struct PlaceCommandTests {
  @Test func eachLineIsAnsweredBeforeTheNextIsSent() throws {
    let place = try PlacementProcess(["place", "--seed", "5"])
    try place.send(#"{"op":"place","id":"a","model":"detector-s","latency_budget_ms":80}"# + "\n")
    let first = try place.readObject()
    #expect(first["id"] as? String == "a")
    let lease = try #require((first["decision"] as? [String: Any])?["lease"] as? String)
    // The engine's state lives for the whole run: the lease taken above can be completed.
    try place.send(#"{"op":"complete","id":"b","lease":"\#(lease)","observed_ms":30}"# + "\n")
    #expect(try place.readObject()["ok"] as? Bool == true)
    try place.send(#"{"op":"status","id":"c"}"# + "\n")
    let status = try #require(try place.readObject()["status"] as? [String: Any])
    #expect(status["active_leases"] as? Int == 0)
    try place.finishInput()
    #expect(place.readLine() == nil)
    #expect(place.wait().status == 0)
  }

  @Test func badLinesGetAnErrorAndTheRunGoesOn() throws {
    let place = try PlacementProcess(["place", "--max-line", "100"])
    try place.send(
      "this is not json\n" + #"{"op":"ping","id":7}"# + "\n" + String(repeating: "x", count: 150)
        + "\n" + #"{"op":"ping","id":"still"}"# + "\n")
    let codes = try (0..<3).map { _ in
      ((try place.readObject())["error"] as? [String: Any])?["code"] as? String
    }
    #expect(codes == ["bad_request", "bad_request", "too_large"])
    #expect(try place.readObject()["id"] as? String == "still")
    try place.finishInput()
    #expect(place.wait().status == 0)
  }

  @Test func aReaderThatGoesAwayEndsTheRunQuietly() throws {
    let place = try PlacementProcess(["place"])
    try place.send(#"{"op":"ping"}"# + "\n")
    #expect(place.readLine() == #"{"ok":true}"#)
    place.closeOutput()
    try? place.send(String(repeating: #"{"op":"ping"}"# + "\n", count: 10_000))
    try? place.finishInput()
    let ended = place.wait()
    #expect(ended.status == 0)  // not killed by SIGPIPE
  }

  @Test func theTerminalFormSaysWhatWasDecided() throws {
    let place = try PlacementProcess([
      "place", "--model", "detector-s", "--budget", "80", "--bytes", "250000", "--tag", "pii",
    ])
    var lines: [String] = []
    while let line = place.readLine() { lines.append(line) }
    #expect(place.wait().status == 0)
    #expect(lines.first == "placed on jetson-01 (edge, pool line-3) by least_connection")
    #expect(lines.contains { $0.contains("rules     edge-first, pii-approved-pools-only") })
    let negative = try PlacementProcess([
      "place", "--model", "detector-s", "--budget", "80", "--bytes", "-5",
    ])
    let result = negative.wait()
    #expect(result.status == 2)
    #expect(result.errors.contains("--bytes"))
  }

  @Test func anAuditDirectoryRecordsEveryAnsweredDecision() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pl-\(UUID())")
    defer { try? FileManager.default.removeItem(at: directory) }
    let place = try PlacementProcess(["place", "--audit-dir", directory.path])
    var ids: [String] = []
    for index in 0..<3 {
      try place.send(
        #"{"op":"place","id":"\#(index)","model":"detector-s","latency_budget_ms":80}"# + "\n")
      let decision = try #require(try place.readObject()["decision"] as? [String: Any])
      ids.append(try #require(decision["decision_id"] as? String))
      // Answered, so already in the log.
      let log = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        .filter { $0.hasSuffix(".jsonl") }
        .map { try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
        .joined()
      #expect(log.contains(ids[index]))
    }
    try place.finishInput()
    #expect(place.wait().status == 0)
    let verify = try PlacementProcess(["audit", "verify", directory.path])
    #expect(verify.wait().status == 0)
  }
}
