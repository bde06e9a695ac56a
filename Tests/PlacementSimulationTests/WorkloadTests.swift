import Foundation
import Placement
import PlacementSimulation
import Testing

/// The workload file: validated like the topology, every problem reported with its JSON path.
@Suite struct WorkloadTests {
  private func issues(_ text: String, directory: String = ".") -> [String] {
    do {
      _ = try Workload(json: Array(text.utf8), source: "w.json", directory: directory)
      return []
    } catch {
      return error.issues.map(\.description)
    }
  }

  @Test func readsEveryPart() throws {
    let workload = try Workload(
      json: Array(
        """
        {"duration_s": 60, "seed": 9, "gateways": 3,
         "arrivals": {"process": "bursty", "rate_per_s": 10,
           "steps": [{"at_s": 30, "rate_per_s": 20}],
           "daily": {"amplitude": 0.5, "peak_at_s": 0, "period_s": 120},
           "spikes": [{"at_s": 5, "duration_s": 2, "multiplier": 4}]},
         "service": {"distribution": "lognormal", "cv": 0.3},
         "classes": [
           {"name": "a", "share": 3, "model": "m", "latency_budget_ms": 80, "tags": ["pii"],
            "priority": "sheddable", "source": "cam",
            "payload_bytes": {"distribution": "uniform", "min": 10, "max": 20}},
           {"name": "b", "share": 1, "model": "n", "latency_budget_ms": 9, "payload_bytes": 7}]}
        """.utf8))
    #expect(workload.durationSeconds == 60 && workload.seed == 9 && workload.gateways == 3)
    #expect(workload.service == .lognormal(cv: 0.3))
    guard case .bursty(let profile) = workload.arrivals else {
      Issue.record("expected bursty arrivals")
      return
    }
    #expect(profile.rate(atSeconds: 6) == 10 * (1 + 0.5 * cos(2 * Double.pi * 6 / 120)) * 4)
    #expect(profile.rate(atSeconds: 40) == 20 * (1 + 0.5 * cos(2 * Double.pi * 40 / 120)))
    #expect(profile.peakRate == 20 * 1.5 * 4)
    #expect(workload.classes.map(\.name) == ["a", "b"])
    #expect(workload.classes[0].request.tags == ["pii"])
    #expect(workload.classes[0].request.priority == .sheddable)
    #expect(workload.classes[0].payloadBytes == .uniform(min: 10, max: 20))
    #expect(workload.classes[1].payloadBytes == .fixed(7))
    #expect(workload.classes[1].request.priority == .standard)
  }

  @Test func reportsEveryProblemWithItsPath() {
    let found = issues(
      """
      {"duration_s": 0, "gateways": 1.5, "colour": "red",
       "arrivals": {"process": "poisson", "rate": 10},
       "service": {"distribution": "gamma"},
       "classes": [
         {"name": "a", "share": -1, "model": "", "latency_budget_ms": "fast",
          "payload_bytes": {"distribution": "uniform", "min": 10, "max": 5}},
         {"name": "a", "share": 1, "model": "m", "latency_budget_ms": 10, "tag": ["pii"],
          "priority": "urgent", "payload_bytes": {"distribution": "lognormal", "mean": 5}}]}
      """)
    let expected = [
      "w.json: colour: expected one of the fields",
      "w.json: arrivals.rate: expected one of the fields",
      "w.json: arrivals.rate_per_s: expected a number > 0, found nothing",
      "w.json: duration_s: expected a number > 0, found 0",
      "w.json: gateways: expected an integer >= 1, found 1.5",
      "w.json: service.distribution: expected one of \"fixed\", \"exponential\", \"lognormal\"",
      "w.json: classes[0].share: expected a number > 0, found -1",
      "w.json: classes[0].model: expected a non-empty string",
      "w.json: classes[0].latency_budget_ms: expected a number > 0, found \"fast\"",
      "w.json: classes[0].payload_bytes.max: expected an integer >= min (10), found 5",
      "w.json: classes[1].tag: expected one of the fields",
      "w.json: classes[1].name: expected a unique class name, found \"a\" (also at classes[0].name)",
      "w.json: classes[1].priority: expected one of \"critical\", \"standard\", \"sheddable\"",
      "w.json: classes[1].payload_bytes.cv: expected a number > 0, found nothing",
    ]
    for prefix in expected {
      #expect(
        found.contains { $0.hasPrefix(prefix) },
        "missing: \(prefix)\nfound:\n\(found.joined(separator: "\n"))")
    }
    #expect(found.count == expected.count, "\(found.joined(separator: "\n"))")
  }

  @Test func reportsSyntaxErrorsWithLineAndColumn() {
    let found = issues("{\"duration_s\": 10,\n \"seed\": }")
    #expect(found.count == 1)
    #expect(found.first?.hasPrefix("w.json:2:") == true, "\(found)")
  }

  @Test func checksBurstyProfiles() {
    let found = issues(
      """
      {"duration_s": 10, "arrivals": {"process": "bursty", "rate_per_s": 5,
        "steps": [{"at_s": 4, "rate_per_s": 1}, {"at_s": 2, "rate_per_s": 1}],
        "daily": {"amplitude": 1.5, "peak_at_s": 0},
        "spikes": [{"at_s": 1, "duration_s": 0, "multiplier": 2}]},
       "classes": [{"name": "a", "share": 1, "model": "m", "latency_budget_ms": 10}]}
      """)
    #expect(
      found == [
        "w.json: arrivals.steps[1].at_s: expected a time after the previous step's (4), found 2",
        "w.json: arrivals.daily.amplitude: expected a number from 0 to 1, found 1.5",
        "w.json: arrivals.spikes[0].duration_s: expected a number > 0, found 0",
      ])
  }

  @Test func readsATraceAndReportsItsLines() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("placement-sim-\(UInt64.random(in: 0...UInt64.max))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let good = """
      {"at_s": 0.5, "op": "place", "id": "r1", "model": "m", "latency_budget_ms": 50, "payload": "AQID"}

      {"at_s": 1.25, "model": "m", "latency_budget_ms": 80, "payload_bytes": 9, "tags": ["pii"], "priority": "critical"}
      """
    try Data(good.utf8).write(to: directory.appendingPathComponent("good.jsonl"))
    let workload = try Workload(
      json: Array(#"{"arrivals": {"process": "trace", "file": "good.jsonl"}}"#.utf8),
      directory: directory.path)
    guard case .trace(let requests) = workload.arrivals else {
      Issue.record("expected a trace")
      return
    }
    #expect(requests.map(\.atSeconds) == [0.5, 1.25])
    #expect(requests[0].request.payloadBytes == 3 && requests[0].request.payload == nil)
    #expect(requests[1].request.priority == .critical && requests[1].request.tags == ["pii"])
    #expect(workload.durationSeconds == 1.25)

    let bad = """
      {"at_s": 2, "model": "m", "latency_budget_ms": 50}
      {"at_s": 3, "op": "explain", "model": "m", "latency_budget_ms": 50}
      {"at_s": 3, "model": "m", "latency_budget_ms": 50, "tag": "pii"}
      {"at_s": 3, "model": "m"
      {"at_s": 1, "model": "m", "latency_budget_ms": 50}
      """
    try Data(bad.utf8).write(to: directory.appendingPathComponent("bad.jsonl"))
    let found = issues(
      #"{"arrivals": {"process": "trace", "file": "bad.jsonl"}, "classes": []}"#,
      directory: directory.path)
    let file = directory.appendingPathComponent("bad.jsonl").path
    #expect(found.count == 5, "\(found.joined(separator: "\n"))")
    #expect(found.contains { $0.hasPrefix("w.json: classes: unexpected with a trace") })
    #expect(found.contains { $0.hasPrefix("\(file):2: op: expected \"place\", found \"explain\"") })
    #expect(found.contains { $0.hasPrefix("\(file):3: tag: expected one of the fields") })
    #expect(found.contains { $0.hasPrefix("\(file):4:") })
    #expect(found.contains { $0.hasPrefix("\(file):5: at_s: expected a time no earlier") })
  }

  @Test func replaysATraceAtItsTimestamps() throws {
    let requests = (0..<5).map { index in
      TimedRequest(
        atSeconds: Double(index), request: PlacementRequest(model: "m", latencyBudgetMs: 100))
    }
    let workload = Workload(
      durationSeconds: 10, arrivals: .trace(requests), classes: [], service: .fixed)
    let topology = SimulationFixtures.topology([
      SimulationFixtures.pool([SimulationFixtures.endpoint("e", computeMs: 30)])
    ])
    let report = try SimulationFixtures.run(topology, workload)
    #expect(report.requests == 5 && report.placed == 5 && report.withinBudget == 5)
    #expect(report.latency.mean == 30 && report.latency.max == 30)
    #expect(abs(report.utilization[0].share - 5 * 0.03 / 10) < 1e-12)
    #expect(report.finishedSeconds == 4.03)
  }
}
