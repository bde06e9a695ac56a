import Foundation
import PlacementServer
import Testing

/// A real `placement serve` on a real socket in a temporary directory, with its own copy of
/// the demo topology and policies (so a test may break and fix them).
final class DaemonFixture {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  let directory: URL
  let socket: String
  let policies: URL
  let topology: URL
  /// The daemon's audit log (every fixture keeps one, as `placement serve` does by default).
  let audit: URL
  let process = Process()
  private let errors = Pipe()

  /// Starts a daemon with `arguments` added, and waits until it answers.
  init(_ arguments: [String] = [], start: Bool = true) throws {
    signal(SIGPIPE, SIG_IGN)
    directory = URL(fileURLWithPath: "/tmp").appendingPathComponent(
      "pd-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    socket = directory.appendingPathComponent("p.sock").path
    policies = directory.appendingPathComponent("policies")
    topology = directory.appendingPathComponent("topology.json")
    audit = directory.appendingPathComponent("audit")
    try FileManager.default.copyItem(at: Self.root.appendingPathComponent("policies"), to: policies)
    try FileManager.default.copyItem(
      at: Self.root.appendingPathComponent("fixtures/demo-topology.json"), to: topology)
    process.executableURL = try PlacementProcess.binary
    process.arguments =
      [
        "serve", "--socket", socket, "--topology", topology.path, "--policies", policies.path,
        "--seed", "1", "--audit-dir", audit.path,
      ] + arguments
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    if start { try launch() }
  }

  /// Runs the daemon under the shell's file-size limit `ulimit -f BLOCKS` (POSIX counts
  /// 512-byte blocks, as Debian's /bin/sh does), so that its audit log runs out of room.
  func limitFileSize(blocks: Int) throws {
    let arguments = process.arguments ?? []
    process.arguments =
      ["-c", "ulimit -f \(blocks) && exec \"$0\" \"$@\"", try PlacementProcess.binary.path]
      + arguments
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
  }

  func launch() throws {
    try process.run()
    for _ in 0..<200 {
      if let client = try? PlacementClient(socketPath: socket),
        (try? client.request(#"{"op":"ping"}"#)) != nil
      {
        return
      }
      guard process.isRunning else { break }
      usleep(25_000)
    }
    Issue.record("the daemon did not come up: \(stop().errors)")
  }

  /// A new connection to the daemon. A read that waits a minute throws: a daemon that
  /// stopped answering fails the test rather than hanging the suite.
  func client() throws -> PlacementClient {
    let client = try PlacementClient(socketPath: socket)
    client.readTimeoutMilliseconds = 60_000
    return client
  }

  /// One request on a new connection, answered as a JSON object.
  func ask(_ line: String) throws -> [String: Any] {
    try Self.object(try #require(try client().request(line)))
  }

  static func object(_ line: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
  }

  static func object(_ bytes: [UInt8]) throws -> [String: Any] {
    try object(String(decoding: bytes, as: UTF8.self))
  }

  static func errorCode(_ response: [String: Any]) -> String? {
    (response["error"] as? [String: Any])?["code"] as? String
  }

  /// Sends SIGTERM and waits; the exit status and what the daemon wrote to standard error.
  @discardableResult
  func stop(signal: Int32 = SIGTERM) -> (status: Int32, errors: String) {
    if process.isRunning { kill(process.processIdentifier, signal) }
    process.waitUntilExit()
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (process.terminationStatus, text)
  }

  deinit {
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
    try? FileManager.default.removeItem(at: directory)
  }
}
