import Foundation
import Testing

/// The package root, found from this file's path (Tests/PlacementSealingTests/TestSupport.swift).
let packageRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Decodes lowercase or uppercase hex; a bad transcription fails the test instead of silently
/// comparing against something else.
func hex(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [UInt8] {
  let digits = Array(text.utf8)
  #expect(digits.count % 2 == 0, "odd-length hex '\(text)'", sourceLocation: sourceLocation)
  var bytes: [UInt8] = []
  bytes.reserveCapacity(digits.count / 2)
  var index = 0
  while index + 1 < digits.count {
    guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else {
      Issue.record("not hex: '\(text)'", sourceLocation: sourceLocation)
      return []
    }
    bytes.append(high << 4 | low)
    index += 2
  }
  return bytes
}

private func hexValue(_ digit: UInt8) -> UInt8? {
  switch digit {
  case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
  case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
  case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
  default: return nil
  }
}

/// Lowercase hex of `bytes`, for readable failure messages.
func hexString(_ bytes: [UInt8]) -> String {
  bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// A fresh empty directory under the system's temporary directory; removed by the caller.
func makeTemporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("placement-sealing-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
func patternBytes(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
  var state = seed
  return (0..<count).map { _ in
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    return UInt8(truncatingIfNeeded: state)
  }
}

/// What a finished child process left.
struct ProcessResult {
  /// Its exit status.
  var status: Int32
  /// Everything it wrote to standard output.
  var output: [UInt8]
  /// Everything it wrote to standard error, as text.
  var error: String
}

/// Runs `executable` with `arguments`, standard input read from `input` (written to a file
/// first, so large inputs cannot deadlock on a pipe), and collects its outputs through files.
func run(_ executable: URL, _ arguments: [String], input: [UInt8] = []) throws -> ProcessResult {
  let directory = try makeTemporaryDirectory()
  defer { try? FileManager.default.removeItem(at: directory) }
  let inputURL = directory.appendingPathComponent("stdin")
  let outputURL = directory.appendingPathComponent("stdout")
  let errorURL = directory.appendingPathComponent("stderr")
  try Data(input).write(to: inputURL)
  try Data().write(to: outputURL)
  try Data().write(to: errorURL)
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  process.standardInput = try FileHandle(forReadingFrom: inputURL)
  process.standardOutput = try FileHandle(forWritingTo: outputURL)
  process.standardError = try FileHandle(forWritingTo: errorURL)
  try process.run()
  process.waitUntilExit()
  return ProcessResult(
    status: process.terminationStatus,
    output: [UInt8](try Data(contentsOf: outputURL)),
    error: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
}

/// The POSIX permission bits of the file at `url`.
func permissions(of url: URL) throws -> Int {
  let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
  return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

/// Sets the POSIX permission bits of the file at `url`.
func setPermissions(_ mode: Int, of url: URL) throws {
  try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
}
