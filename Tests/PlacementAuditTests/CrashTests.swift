import Foundation
import PlacementAudit
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A real writer process killed with SIGKILL under load, and a writer under a file-size limit.
@Suite struct CrashTests {
  @Test(arguments: [AuditDurability.buffered, .durable])
  func everyAnsweredRecordSurvivesSIGKILL(durability: AuditDurability) throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try builtExecutable("placement-audit-writer-load"))
    process.arguments = [directory, "--durability", durability.rawValue]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    var received = Data()
    while received.filter({ $0 == UInt8(ascii: "\n") }).count < 3000 {
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      received.append(chunk)
    }
    kill(process.processIdentifier, SIGKILL)
    received.append(output.fileHandleForReading.readDataToEndOfFile())
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)
    let text = String(decoding: received, as: UTF8.self)
    // Only whole lines: the last may have been cut by the kill.
    let answered = text.split(separator: "\n", omittingEmptySubsequences: true)
      .dropLast(text.hasSuffix("\n") ? 0 : 1).compactMap { UInt64($0) }
    #expect(answered.count >= 3000)
    var inLog = Set<UInt64>()
    for segment in try segmentLines(directory) {
      for line in segment.lines where line.hasSuffix("}") { inLog.insert(sequence(of: line)) }
    }
    let missing = answered.filter { !inLog.contains($0) }
    #expect(missing.isEmpty, "answered but not in the log: \(missing.prefix(10))")
    // Restart: recovery, then the whole log verifies.
    let log = try AuditLog(
      configuration: AuditConfiguration(directory: directory), topologyHash: "t", policyHash: "p")
    #expect(log.recovery.resumedAfter >= answered.max() ?? 0)
    try log.close()
    let result = try verify(directory)
    #expect(result.isIntact, "\(String(describing: result.problem))")
  }

  @Test(arguments: [AuditFailureBehavior.refuse, .continue])
  func aFullDiskRefusesOrCountsVisibly(behavior: AuditFailureBehavior) throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let (status, output, error) = try runProcess(
      try builtExecutable("placement-audit-writer-load"),
      [
        directory, "--count", "1500", "--fsize-limit", "60000", "--lift-after", "700",
        "--on-failure", behavior.rawValue,
      ])
    #expect(status == 0, "\(error)")
    let answered = output.split(separator: "\n").count
    let summary = try #require(error.split(separator: "\n").first { $0.hasPrefix("summary") })
    func value(_ name: String) -> Int {
      Int(
        summary.split(separator: " ").first { $0.hasPrefix(name + "=") }?.dropFirst(name.count + 1)
          ?? "") ?? -1
    }
    #expect(value("failures") > 0, "\(summary)")
    let result = try verify(directory)
    #expect(result.isIntact, "\(String(describing: result.problem))")
    switch behavior {
    case .refuse:
      // Decisions were refused while the disk was full; nothing was lost, the log has no gap.
      #expect(value("refused") > 0)
      #expect(value("lost") == 0)
      #expect(answered + value("refused") == 1500)
      #expect(result.gaps.isEmpty)
      // The writer retries at its interval (200 ms), not in a loop: a few failed attempts
      // while the disk was full, not thousands.
      #expect(value("failures") <= 5, "\(summary)")
    case .continue:
      // Every decision was answered; the loss is counted and named by a gap record.
      #expect(value("refused") == 0)
      #expect(answered == 1500)
      #expect(value("lost") > 0)
      // Every lost record is named by a gap record (the disk may fill more than once).
      #expect(!result.gaps.isEmpty)
      let named = result.gaps.reduce(0) { $0 + Int($1.last - $1.first + 1) }
      #expect(named == value("lost"), "\(result.gaps) \(summary)")
    }
  }

  /// Records dropped in `continue` mode take no segment numbers: with segments that fill after
  /// a record or two and writes that keep failing, the files stay numbered without a hole, so
  /// the log verifies (a skipped number reads as a removed segment).
  @Test func droppedRecordsLeaveNoHoleInTheSegmentNumbers() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let (status, _, error) = try runProcess(
      try builtExecutable("placement-audit-writer-load"),
      [
        directory, "--count", "600", "--fsize-limit", "3000", "--segment-size", "4096",
        "--on-failure", "continue", "--batch", "50",
      ])
    #expect(status == 0, "\(error)")
    let summary = error.split(separator: "\n").first { $0.hasPrefix("summary") } ?? ""
    #expect(summary.contains("lost=") && !summary.contains("lost=0 "), "\(summary)")
    let numbers = try AuditSegments.list(directory).map(\.number)
    #expect(numbers == Array(1...(numbers.last ?? 0)), "segments \(numbers)")
    let result = try verify(directory)
    #expect(result.isIntact, "\(String(describing: result.problem))")
  }
}
