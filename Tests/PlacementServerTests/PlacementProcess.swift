import Foundation
import Testing

/// The built `placement` binary, run as a child process whose standard input and output the
/// test drives one line at a time.
final class PlacementProcess {
  /// The `placement` executable `swift build` / `swift test` put beside the test bundle.
  static var binary: URL {
    get throws {
      let products = Bundle.main.bundleURL.deletingLastPathComponent()
      let candidates = [
        Bundle.main.executableURL?.deletingLastPathComponent(), products, Bundle.main.bundleURL,
      ].compactMap { $0?.appendingPathComponent("placement") }
      let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
      let help = "no 'placement' binary beside the tests (looked at \(candidates.map(\.path)))"
      return try #require(found, Comment(rawValue: help))
    }
  }

  let process = Process()
  private let input = Pipe()
  private let output = Pipe()
  private let errors = Pipe()
  private var pending: [UInt8] = []

  init(_ arguments: [String]) throws {
    // Writing to a child that has exited must be an error here, not the end of the test run.
    signal(SIGPIPE, SIG_IGN)
    process.executableURL = try Self.binary
    process.arguments = arguments
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
  }

  /// Writes `text` (a line or several) to the process's standard input.
  func send(_ text: String) throws {
    try input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
  }

  /// Closes standard input: the process sees the end of its input.
  func finishInput() throws { try input.fileHandleForWriting.close() }

  /// Stops reading standard output: the process's next write finds no reader.
  func closeOutput() { try? output.fileHandleForReading.close() }

  /// The next line of standard output, waiting for it; nil at the end of output.
  func readLine() -> String? {
    while true {
      if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: pending[..<newline], as: UTF8.self)
        pending.removeSubrange(...newline)
        return line
      }
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { return nil }
      pending.append(contentsOf: chunk)
    }
  }

  /// The next line of standard output as a JSON object.
  func readObject() throws -> [String: Any] {
    let line = try #require(readLine())
    return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
  }

  /// Waits for the process to end; its exit status and what it wrote to standard error.
  func wait() -> (status: Int32, errors: String) {
    process.waitUntilExit()
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (process.terminationStatus, text)
  }
}
