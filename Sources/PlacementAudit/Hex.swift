/// Lowercase hexadecimal, the form hashes take in records.
enum Hex {
  private static let digits: StaticString = "0123456789abcdef"

  /// Appends the hex of `bytes` to `output`.
  static func append(_ bytes: some Collection<UInt8>, to output: inout [UInt8]) {
    let start = output.count
    output.append(contentsOf: repeatElement(0, count: bytes.count * 2))
    output.withUnsafeMutableBufferPointer { hex in
      var index = start
      for byte in bytes {
        hex[index] = digits.utf8Start[Int(byte >> 4)]
        hex[index + 1] = digits.utf8Start[Int(byte & 0xF)]
        index += 2
      }
    }
  }

  /// The hex of `bytes`.
  static func string(_ bytes: some Collection<UInt8>) -> String {
    var output: [UInt8] = []
    append(bytes, to: &output)
    return String(decoding: output, as: UTF8.self)
  }

  /// Whether `bytes` is exactly `count` lowercase hex digits.
  static func isLowercaseHex(_ bytes: some Collection<UInt8>, count: Int) -> Bool {
    bytes.count == count
      && bytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
  }

  /// 64 zeros: the `prev` of the very first record.
  static let zeroHash = String(repeating: "0", count: 64)
}
