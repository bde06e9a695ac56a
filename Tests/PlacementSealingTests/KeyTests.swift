import Foundation
import Testing

@testable import PlacementSealing

@Suite("Keys")
struct KeyTests {
  /// RFC 9180 A.2.1's recipient key pair, in base64 (checked with Python's base64 module).
  static let rfcPrivateBase64 = "gFeZHu+PHxrxj0qUkdFqHOMz9pXU24442nWXXER44Ps="
  static let rfcPublicBase64 = "QxDul9iMwfCIpVdsd6sM9cOseX89lROcbIS1QpxZZio="

  @Test("generate, write, load: the same key, and the file is 0600")
  func roundTrip() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("pool.key")
    let key = try PrivateKey.generate()
    try key.write(toFile: file.path)
    #expect(try permissions(of: file) == 0o600)
    let loaded = try PrivateKey.load(fromFile: file.path)
    #expect(loaded.publicKey == key.publicKey)
    #expect(loaded.secret.unprotectedCopy == key.secret.unprotectedCopy)
    let envelope = try Envelope.seal([1, 2, 3], to: key.publicKey, poolID: "p", aad: "d")
    #expect(try Envelope.open(envelope, with: loaded, poolID: "p", aad: "d") == [1, 2, 3])
    // The file names the public key in a comment and holds the private key on its own line.
    let text = try String(contentsOf: file, encoding: .utf8)
    #expect(text.contains("# public key: \(key.publicKey.base64)\n"))
    #expect(text.hasSuffix("\n"))
    #expect(
      text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        == [Substring(key.secret.withUnsafeBytes { Sodium.base64($0) })])
  }

  @Test("generated keys differ")
  func generatedKeysDiffer() throws {
    #expect(try PrivateKey.generate().publicKey != PrivateKey.generate().publicKey)
  }

  @Test(
    "a key file group or others can read or write is refused, with the fix",
    arguments: [0o644, 0o640, 0o604, 0o660, 0o602, 0o620, 0o666, 0o700 | 0o004])
  func openPermissionsRefused(mode: Int) throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("pool.key")
    try PrivateKey.generate().write(toFile: file.path)
    try setPermissions(mode, of: file)
    #expect(throws: KeyError.permissionsTooOpen(path: file.path, mode: UInt32(0o100000 | mode))) {
      try PrivateKey.load(fromFile: file.path)
    }
    do {
      _ = try PrivateKey.load(fromFile: file.path)
    } catch {
      #expect(error.description.contains("run 'chmod 600 \(file.path)'"))
      #expect(error.description.contains(String(mode, radix: 8)))
    }
  }

  @Test("owner-only modes are accepted", arguments: [0o600, 0o400])
  func ownerOnlyModes(mode: Int) throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("pool.key")
    let key = try PrivateKey.generate()
    try key.write(toFile: file.path)
    try setPermissions(mode, of: file)
    #expect(try PrivateKey.load(fromFile: file.path).publicKey == key.publicKey)
  }

  @Test("an existing file is not overwritten unless asked, and then atomically replaced")
  func overwrite() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("pool.key")
    let first = try PrivateKey.generate()
    try first.write(toFile: file.path)
    let second = try PrivateKey.generate()
    #expect(throws: KeyError.fileExists(path: file.path)) {
      try second.write(toFile: file.path)
    }
    #expect(try PrivateKey.load(fromFile: file.path).publicKey == first.publicKey)
    try second.write(toFile: file.path, overwrite: true)
    #expect(try PrivateKey.load(fromFile: file.path).publicKey == second.publicKey)
    #expect(try permissions(of: file) == 0o600)
    // No temporary file left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["pool.key"])
  }

  @Test("writing into a missing directory fails with the path and the reason")
  func writeIntoMissingDirectory() throws {
    let path = "/nonexistent-\(UUID().uuidString)/pool.key"
    #expect(
      throws: KeyError.io(path: path, operation: "creating", reason: "No such file or directory")
    ) {
      try PrivateKey.generate().write(toFile: path)
    }
  }

  @Test("a hand-written key file with comments, blanks and CRLF loads")
  func handWrittenFile() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("pool.key")
    let text = "# my pool key\r\n\r\n  \(Self.rfcPrivateBase64)  \r\n# trailing comment\n"
    try Data(text.utf8).write(to: file)
    try setPermissions(0o600, of: file)
    let key = try PrivateKey.load(fromFile: file.path)
    #expect(key.publicKey.base64 == Self.rfcPublicBase64)
  }

  @Test(
    "malformed key files say what is wrong",
    arguments: [
      ("# only a comment\n", "no key line"),
      ("\(rfcPrivateBase64)\n\(rfcPrivateBase64)\n", "more than one line"),
      ("not base64 at all!\n", "not standard base64"),
      ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n", "decodes to 31 bytes"),
      ("", "no key line"),
    ])
  func malformedFiles(content: String, reason: String) throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("pool.key")
    try Data(content.utf8).write(to: file)
    try setPermissions(0o600, of: file)
    do {
      _ = try PrivateKey.load(fromFile: file.path)
      Issue.record("loaded a malformed key file")
    } catch {
      guard case .malformedKeyFile(let path, let found) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(path == file.path)
      #expect(found.contains(reason), "\(found)")
    }
  }

  @Test("a missing file or a directory is reported as such")
  func missingOrDirectory() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let missing = directory.appendingPathComponent("none.key").path
    #expect(throws: KeyError.fileNotFound(path: missing)) {
      try PrivateKey.load(fromFile: missing)
    }
    #expect(KeyError.fileNotFound(path: missing).description.contains("placement keygen --out"))
    try setPermissions(0o700, of: directory)
    #expect(throws: KeyError.notARegularFile(path: directory.path)) {
      try PrivateKey.load(fromFile: directory.path)
    }
  }

  @Test("the private key is never printed")
  func redaction() throws {
    let key = try PrivateKey(
      bytes: hex(
        "8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb"))
    let secret = key.secret.unprotectedCopy
    var dumped = ""
    dump(key, to: &dumped)
    var dumpedSecret = ""
    dump(key.secret, to: &dumpedSecret)
    let renderings = [
      key.description, String(describing: key), String(reflecting: key), "\(key)", dumped,
      key.secret.description, String(reflecting: key.secret), dumpedSecret,
    ]
    for text in renderings {
      #expect(!text.contains(Self.rfcPrivateBase64))
      #expect(!text.lowercased().contains("8057991eef8f1f1a"))
      #expect(!text.contains(secret.map(String.init).joined(separator: ", ")))
    }
    #expect(key.description.contains("redacted"))
    #expect(key.description.contains(Self.rfcPublicBase64))
    #expect(key.secret.description == "SecureBytes(32 bytes, redacted)")
  }

  @Test("key id is the first 8 bytes of SHA-256 of the public key")
  func keyID() throws {
    let key = try PublicKey(base64: Self.rfcPublicBase64)
    // Computed with Python: hashlib.sha256(pkRm).hexdigest()[:16].
    #expect(key.keyID.description == "9e07479c8d8279a4")
    #expect(key.keyID.bytes == hex("9e07479c8d8279a4"))
    #expect(key.keyID == KeyID(rawValue: 0x9e07_479c_8d82_79a4))
  }

  @Test("public keys parse from base64, surrounding white space ignored")
  func publicKeyBase64() throws {
    let key = try PublicKey(base64: " \(Self.rfcPublicBase64)\n")
    #expect(key.bytes == hex("4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a"))
    #expect(key.base64 == Self.rfcPublicBase64)
    #expect(key.description == Self.rfcPublicBase64)
  }

  @Test(
    "bad public keys say what is wrong",
    arguments: [
      ("", KeyError.invalidBase64("the text is empty")),
      ("QxDul9iMwfCIpVdsd6sM9cOseX89lROcbIS1QpxZZio", nil),
      (
        "QxDul9iMwfCIpVdsd6sM9cOseX89lROcbIS1QpxZZi*=",
        .invalidBase64("character '*' at position 43")
      ),
      (
        "QxDul9iMwfCIpVdsd6sM9cOseX89lROcbIS1QpxZZi_=",
        .invalidBase64("character '_' at position 43 (URL-safe base64? use + and /)")
      ),
      ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", .wrongLength(found: 31, expected: 32)),
      ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", .wrongLength(found: 33, expected: 32)),
    ] as [(String, KeyError?)])
  func badPublicKeys(text: String, expected: KeyError?) throws {
    do {
      _ = try PublicKey(base64: text)
      Issue.record("accepted '\(text)'")
    } catch {
      if let expected {
        #expect(error == expected)
      } else {
        guard case .invalidBase64(let detail) = error else {
          Issue.record("unexpected error \(error)")
          return
        }
        #expect(detail.contains("padding"))
      }
    }
  }

  @Test("raw keys of the wrong size are refused")
  func wrongSizes() {
    #expect(throws: KeyError.wrongLength(found: 31, expected: 32)) {
      try PrivateKey(bytes: Array(repeating: 1, count: 31))
    }
    #expect(throws: KeyError.wrongLength(found: 0, expected: 32)) {
      try PublicKey(bytes: [])
    }
  }
}
