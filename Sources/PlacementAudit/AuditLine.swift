import PlacementSealing

/// The byte layout of one record line (DESIGN.md section 9): `{"seq":...,"prev":"<64 hex>",
/// "hash":"<64 hex>"}`. `hash` is BLAKE2b-256 of the bytes before `,"hash":"` followed by `}`.
enum AuditLine {
  /// `,"hash":"`
  static let hashMarker = Array(#","hash":""#.utf8)
  /// `,"prev":"`
  static let prevMarker = Array(#","prev":""#.utf8)

  /// Where the hashed part of `line` (without its newline) ends and the stored hash text, when
  /// the line ends in `,"hash":"<64 lowercase hex>"}`; nil otherwise.
  static func split(_ line: UnsafeRawBufferPointer) -> (hashedEnd: Int, hash: Range<Int>)? {
    let tail = hashMarker.count + 64 + 2
    guard line.count > tail else { return nil }
    let markerStart = line.count - tail
    for (offset, byte) in hashMarker.enumerated() where line[markerStart + offset] != byte {
      return nil
    }
    let hashStart = markerStart + hashMarker.count
    guard line[line.count - 2] == UInt8(ascii: "\""), line[line.count - 1] == UInt8(ascii: "}"),
      Hex.isLowercaseHex(
        UnsafeRawBufferPointer(rebasing: line[hashStart..<(hashStart + 64)]), count: 64)
    else { return nil }
    return (markerStart, hashStart..<(hashStart + 64))
  }

  /// The hash `line` should carry: of the bytes up to `hashedEnd`, followed by `}`.
  static func expectedHash(
    _ line: UnsafeRawBufferPointer, hashedEnd: Int, hasher: GenericHash
  ) -> [UInt8] {
    var input = [UInt8](UnsafeRawBufferPointer(rebasing: line[..<hashedEnd]))
    input.append(UInt8(ascii: "}"))
    var hex: [UInt8] = []
    Hex.append(hasher.hash(input), to: &hex)
    return hex
  }

  /// The 64 hex digits of `prev`, when `line` carries `,"prev":"<64 hex>"` right before `hash`.
  static func prev(_ line: UnsafeRawBufferPointer, hashedEnd: Int) -> Range<Int>? {
    let start = hashedEnd - 64 - 1 - prevMarker.count
    guard start > 0 else { return nil }
    for (offset, byte) in prevMarker.enumerated() where line[start + offset] != byte { return nil }
    let hex = (start + prevMarker.count)..<(hashedEnd - 1)
    guard line[hashedEnd - 1] == UInt8(ascii: "\""),
      Hex.isLowercaseHex(UnsafeRawBufferPointer(rebasing: line[hex]), count: 64)
    else { return nil }
    return hex
  }
}
