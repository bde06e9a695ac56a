import Foundation
import PlacementAudit
import PlacementSealing
import Testing

/// `placement audit ...`, run as the built binary.
@Suite struct AuditCommandTests {
  @Test func verifyReportsTheHeadOrTheFirstBadRecord() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let placement = try builtExecutable("placement")
    let keyPath = directory + "/audit.key"
    let (keygen, _, keygenError) = try runProcess(placement, ["audit", "keygen", "--out", keyPath])
    #expect(keygen == 0, "\(keygenError)")
    let key = try AuditKey.load(fromFile: keyPath)
    let log = try writeSampleLog(in: directory + "/log", decisions: 10) { $0.key = key }
    let head = "\(log.head.sequence):\(log.head.hash)"
    var (status, output, error) = try runProcess(
      placement,
      ["audit", "verify", directory + "/log", "--audit-key", keyPath, "--expect-head", head])
    #expect(status == 0, "\(error)")
    #expect(output.contains("head \(head)"))
    (status, output, _) = try runProcess(placement, ["audit", "verify", directory + "/log"])
    #expect(status == 1)
    #expect(output.contains("--audit-key"))
    var lines = try segmentLines(directory + "/log")[0]
    lines.lines.remove(at: 4)
    try writeLines(lines.lines, to: lines.file)
    (status, output, _) = try runProcess(
      placement, ["audit", "verify", directory + "/log", "--audit-key", keyPath])
    #expect(status == 1)
    #expect(output.contains("first bad seq 5 at \(lines.file):5: removed"), "\(output)")
    (status, _, error) = try runProcess(placement, ["audit", "verify"])
    #expect(status == 2)
    #expect(error.contains("placement audit verify DIR"))
  }

  @Test func queryStatsAndReplay() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let placement = try builtExecutable("placement")
    try writeSampleLog(in: directory + "/log", decisions: 40)
    var (status, output, error) = try runProcess(
      placement, ["audit", "query", directory + "/log", "--outcome", "placed", "--tier", "edge"])
    #expect(status == 0, "\(error)")
    let lines = output.split(separator: "\n")
    #expect(!lines.isEmpty)
    #expect(
      lines.allSatisfy { $0.contains(#""outcome":"placed""#) && $0.contains(#""tier":"edge""#) })
    (status, output, _) = try runProcess(
      placement, ["audit", "query", directory + "/log", "--request-id", "req-3", "--table"])
    #expect(status == 0)
    #expect(output.split(separator: "\n").count == 2)
    #expect(output.hasPrefix("seq  "))
    (status, output, error) = try runProcess(
      placement, ["audit", "stats", directory + "/log", "--svg", directory + "/chart.svg"])
    #expect(status == 0, "\(error)")
    #expect(output.contains("within budget"))
    #expect(output.contains("decision 40"))
    let svg = try String(contentsOfFile: directory + "/chart.svg", encoding: .utf8)
    #expect(svg.hasPrefix("<svg") && svg.contains("</svg>"))
    // Under the policies it was recorded with, nothing changes.
    (status, output, error) = try runProcess(
      placement,
      [
        "audit", "replay", directory + "/log", "--policies",
        packageRoot.appendingPathComponent("policies").path,
      ])
    #expect(status == 0, "\(error)")
    #expect(output.hasPrefix("replayed 40 decisions"), "\(output)")
    #expect(output.contains(": 0 would change"), "\(output)")
    // Without any policy, pii requests are free to go anywhere.
    let empty = directory + "/no-policies"
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    (status, output, _) = try runProcess(
      placement, ["audit", "replay", directory + "/log", "--policies", empty])
    #expect(status == 0)
    #expect(!output.contains(": 0 would change"), "\(output)")
  }
}
