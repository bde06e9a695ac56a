import PlacementSealing

/// The digests decision records carry for the topology and the policy set in force: unkeyed
/// BLAKE2b-256 in hex, so anyone holding the files can recompute them
/// (`b2sum -l 256 topology.json` for a topology file).
public enum AuditDigest {
  /// The digest of the bytes of the file at `path`.
  public static func file(_ path: String) throws(AuditError) -> String {
    Hex.string(GenericHash(key: nil).hash(try AuditSegments.read(path)))
  }

  /// The digest of the `*.policy` files directly in `directory` (the files
  /// `PolicySet.load(directory:)` reads), in name order: for each, its name, a NUL byte, its
  /// length in decimal, a NUL byte and its bytes.
  public static func policyDirectory(_ directory: String) throws(AuditError) -> String {
    let names = try AuditSegments.names(in: directory)
    var input: [UInt8] = []
    for name in names.sorted() where name.hasSuffix(".policy") && !name.hasPrefix(".") {
      let bytes = try AuditSegments.read(AuditSegments.path(directory, name))
      input.append(contentsOf: name.utf8)
      input.append(0)
      input.append(contentsOf: String(bytes.count).utf8)
      input.append(0)
      input.append(contentsOf: bytes)
    }
    return Hex.string(GenericHash(key: nil).hash(input))
  }

  /// The digest of `text`'s UTF-8 (for a topology or policies held in memory).
  public static func text(_ text: String) -> String {
    Hex.string(GenericHash(key: nil).hash(text))
  }
}
