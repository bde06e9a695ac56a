import Foundation
import Placement
import PlacementAudit
import PlacementSealing
import Testing

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fresh empty directory under the system's temporary directory.
func makeTemporaryDirectory() throws -> String {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("placement-audit-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url.path
}

/// The demo topology and default policies of this checkout.
func demoEngine(recorder: AuditLog?) throws -> PlacementEngine {
  let topology = try Topology.load(
    contentsOfFile: packageRoot.appendingPathComponent("fixtures/demo-topology.json").path)
  let policies = try PolicySet.load(directory: packageRoot.appendingPathComponent("policies").path)
  return PlacementEngine(
    topology: topology, policies: policies,
    configuration: EngineConfiguration(seed: 7, reportsCandidates: true),
    sealer: HPKEPayloadSealer(), recorder: recorder)
}

/// Digests of the demo fixtures, as a daemon would pass them.
func demoDigests() throws -> (topology: String, policies: String) {
  (
    try AuditDigest.file(packageRoot.appendingPathComponent("fixtures/demo-topology.json").path),
    try AuditDigest.policyDirectory(packageRoot.appendingPathComponent("policies").path)
  )
}

/// A mix of requests: placed, rejected, tagged, with payloads.
func sampleRequest(_ index: Int) -> PlacementRequest {
  let models = ["detector-s", "detector-xl", "asr-small", "nonexistent"]
  return PlacementRequest(
    id: "req-\(index)", model: models[index % models.count],
    latencyBudgetMs: [30, 80, 250, 1000][index % 4],
    payload: index % 3 == 0 ? Array("frame-\(index)".utf8) : nil,
    tags: index % 5 == 0 ? ["pii"] : [], priority: index % 7 == 0 ? .critical : .standard,
    source: "camera-\(index % 4)")
}

/// Writes a log of `decisions` decisions (and completions of the placed ones) with the real
/// writer, closes it and returns the directory.
@discardableResult
func writeSampleLog(
  in directory: String, decisions: Int = 20,
  configuration: ((inout AuditConfiguration) -> Void)? =
    nil
) throws -> AuditLog {
  var settings = AuditConfiguration(directory: directory)
  configuration?(&settings)
  let digests = try demoDigests()
  let log = try AuditLog(
    configuration: settings, topologyHash: digests.topology, policyHash: digests.policies)
  let engine = try demoEngine(recorder: log)
  for index in 0..<decisions {
    let decision = try engine.place(sampleRequest(index))
    if let lease = decision.assignment?.lease, index % 2 == 0 {
      try engine.complete(lease: lease, observedMs: Double(20 + index), status: .ok)
    }
  }
  try log.close()
  return log
}

/// The lines of every segment, in order: (file path, line text).
func segmentLines(_ directory: String) throws -> [(file: String, lines: [String])] {
  try AuditSegments.list(directory).map { segment in
    let text = try String(contentsOfFile: segment.path, encoding: .utf8)
    var lines = text.components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    return (segment.path, lines)
  }
}

/// Rewrites segment `file` with `lines` (each followed by a newline).
func writeLines(_ lines: [String], to file: String) throws {
  try (lines.map { $0 + "\n" }.joined()).write(toFile: file, atomically: false, encoding: .utf8)
}

/// Verifies `directory`.
func verify(_ directory: String, key: AuditKey? = nil) throws -> AuditVerification {
  try AuditVerifier(directory: directory, key: key).verify()
}

/// The `seq` of a record line.
func sequence(of line: String) -> UInt64 {
  let digits = line.dropFirst(7).prefix { $0.isNumber }
  return UInt64(digits)!
}

/// The Python of the test virtual environment (scripts/bootstrap.sh --test).
let python = packageRoot.appendingPathComponent(".venv/bin/python")

/// Runs `executable` with `arguments`; returns (status, stdout, stderr).
func runProcess(_ executable: String, _ arguments: [String]) throws -> (Int32, String, String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  let output = Pipe()
  let error = Pipe()
  process.standardOutput = output
  process.standardError = error
  try process.run()
  let outData = output.fileHandleForReading.readDataToEndOfFile()
  let errData = error.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (
    process.terminationStatus, String(decoding: outData, as: UTF8.self),
    String(decoding: errData, as: UTF8.self)
  )
}

/// An executable `swift build` put beside the test bundle (`placement`,
/// `placement-audit-writer-load`).
func builtExecutable(_ name: String) throws -> String {
  let products = Bundle.main.bundleURL.deletingLastPathComponent()
  let candidates = [
    Bundle.main.executableURL?.deletingLastPathComponent(), products, Bundle.main.bundleURL,
  ].compactMap { $0?.appendingPathComponent(name).path }
  let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
  return try #require(
    found,
    Comment(rawValue: "no '\(name)' beside the tests (\(candidates)); run 'swift build' first"))
}
