import Foundation
import Testing

@testable import PlacementSealing

/// The `placement keygen`, `seal` and `open` commands, run as the built binary.
@Suite("placement keygen / seal / open")
struct CommandLineTests {
  /// The `placement` executable `swift build` / `swift test` put beside the test bundle.
  static var binary: URL {
    get throws {
      let products = Bundle.main.bundleURL.deletingLastPathComponent()
      let candidates = [
        Bundle.main.executableURL?.deletingLastPathComponent(), products, Bundle.main.bundleURL,
      ].compactMap { $0?.appendingPathComponent("placement") }
      let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
      let help =
        "no 'placement' binary beside the tests (looked at \(candidates.map(\.path))); build it"
        + " with 'swift build' using the same scratch path"
      return try #require(found, Comment(rawValue: help))
    }
  }

  let directory: URL

  init() throws {
    directory = try makeTemporaryDirectory()
  }

  /// Runs `keygen --out FILE` and returns the public key it printed.
  private func keygen(_ file: URL) throws -> String {
    let result = try run(Self.binary, ["keygen", "--out", file.path])
    try #require(result.status == 0, "keygen failed: \(result.error)")
    return String(decoding: result.output, as: UTF8.self)
  }

  @Test("keygen, seal, open: the payload comes back; the key file is 0600")
  func roundTrip() throws {
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("pool.key")
    let printed = try keygen(file)
    #expect(printed.hasSuffix("\n"))
    let publicKey = try PublicKey(base64: printed)
    #expect(printed == publicKey.base64 + "\n")
    #expect(try permissions(of: file) == 0o600)
    #expect(try PrivateKey.load(fromFile: file.path).publicKey == publicKey)

    let payload: [UInt8] = [0, 1, 2, 0, 255, 10, 13] + patternBytes(count: 70_000)
    let sealed = try run(
      Self.binary, ["seal", "--public-key", publicKey.base64, "--pool", "p1", "--aad", "d1"],
      input: payload)
    try #require(sealed.status == 0, "seal failed: \(sealed.error)")
    #expect(sealed.output.count == payload.count + Envelope.overhead)

    let opened = try run(
      Self.binary, ["open", "--key", file.path, "--pool", "p1", "--aad", "d1"],
      input: sealed.output)
    #expect(opened.status == 0, "open failed: \(opened.error)")
    #expect(opened.output == payload)
  }

  @Test("keygen prints where the public key goes")
  func keygenHint() throws {
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try run(
      Self.binary, ["keygen", "--out", directory.appendingPathComponent("k").path])
    #expect(result.status == 0)
    #expect(result.error.contains("public_key"))
  }

  @Test("open fails with status 1 and no output for a wrong pool, aad, key or a bad envelope")
  func openFailures() throws {
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("pool.key")
    let other = directory.appendingPathComponent("other.key")
    let publicKey = try keygen(file)
    _ = try keygen(other)
    let sealed = try run(
      Self.binary, ["seal", "--public-key", publicKey, "--pool", "p1", "--aad", "d1"],
      input: Array("secret payload".utf8))
    try #require(sealed.status == 0)
    let cases: [(key: URL, pool: String, aad: String, input: [UInt8], message: String)] = [
      (file, "p2", "d1", sealed.output, "authentication failed"),
      (file, "p1", "d2", sealed.output, "authentication failed"),
      (other, "p1", "d1", sealed.output, "key id"),
      (file, "p1", "d1", Array(sealed.output.prefix(30)), "truncated"),
      (file, "p1", "d1", [2] + sealed.output.dropFirst(), "unsupported envelope version 0x02"),
      (file, "p1", "d1", [], "truncated"),
    ]
    for item in cases {
      let result = try run(
        Self.binary,
        ["open", "--key", item.key.path, "--pool", item.pool, "--aad", item.aad],
        input: item.input)
      #expect(result.status == 1, "\(item.message): \(result.error)")
      #expect(result.output.isEmpty)
      #expect(result.error.contains(item.message), "\(result.error)")
    }
  }

  @Test("keygen refuses to overwrite a key unless --force")
  func keygenOverwrite() throws {
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("pool.key")
    let first = try keygen(file)
    let refused = try run(Self.binary, ["keygen", "--out", file.path])
    #expect(refused.status == 2)
    #expect(refused.output.isEmpty)
    #expect(refused.error.contains("--force"))
    #expect(try PrivateKey.load(fromFile: file.path).publicKey.base64 + "\n" == first)
    let forced = try run(Self.binary, ["keygen", "--out", file.path, "--force"])
    #expect(forced.status == 0)
    let second = String(decoding: forced.output, as: UTF8.self)
    #expect(second != first)
    #expect(try PrivateKey.load(fromFile: file.path).publicKey.base64 + "\n" == second)
  }

  @Test("open refuses a key file others can read, saying how to fix it")
  func openRefusesReadableKey() throws {
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("pool.key")
    _ = try keygen(file)
    try setPermissions(0o644, of: file)
    let result = try run(
      Self.binary, ["open", "--key", file.path, "--pool", "p", "--aad", "d"], input: [1])
    #expect(result.status == 2)
    #expect(result.error.contains("chmod 600 \(file.path)"))
  }

  @Test(
    "usage errors exit 2 and name what is missing or wrong",
    arguments: [
      (["seal", "--pool", "p", "--aad", "d"], "--public-key B64 is required"),
      (
        ["seal", "--public-key", "QxDul9iMwfCIpVdsd6sM9cOseX89lROcbIS1QpxZZio=", "--aad", "d"],
        "--pool ID is required"
      ),
      (
        ["seal", "--public-key", "QxDul9iMwfCIpVdsd6sM9cOseX89lROcbIS1QpxZZio=", "--pool", "p"],
        "--aad TEXT is required"
      ),
      (["seal", "--public-key", "n*pe", "--pool", "p", "--aad", "d"], "--public-key: not a valid"),
      (
        [
          "seal", "--public-key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", "--pool", "p",
          "--aad", "d",
        ], "31 bytes"
      ),
      (["open", "--pool", "p", "--aad", "d"], "--key FILE is required"),
      (
        ["open", "--key", "/nonexistent/pool.key", "--pool", "p", "--aad", "d"],
        "placement keygen --out"
      ),
      (["keygen"], "--out FILE is required"),
      (["keygen", "--out", "k", "extra"], "unexpected argument 'extra'"),
      (["seal", "--bogus"], "unknown option '--bogus'"),
    ] as [([String], String)])
  func usageErrors(arguments: [String], message: String) throws {
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try run(Self.binary, arguments)
    #expect(result.status == 2, "\(result.error)")
    #expect(result.output.isEmpty)
    #expect(result.error.contains(message), "\(result.error)")
  }

  @Test("each command explains itself with --help", arguments: ["keygen", "seal", "open"])
  func help(command: String) throws {
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try run(Self.binary, [command, "--help"])
    #expect(result.status == 0)
    #expect(
      String(decoding: result.output, as: UTF8.self).hasPrefix("usage: placement \(command) "))
  }
}
