/// 64-bit numbers as 16 lowercase hex digits and back, eight digits per machine word: decision
/// ids and leases are written and read once per decision, and a digit at a time costs more than
/// the rest of the id's handling.
///
/// A word of digits is eight ASCII bytes as they lie in memory (the first digit in the lowest
/// byte, on this little-endian machine).
enum HexDigits {
  /// The 16 digits of `value`, most significant first, as two words of memory.
  private static func words(_ value: UInt64) -> (UInt64, UInt64) {
    (word(UInt32(truncatingIfNeeded: value >> 32)), word(UInt32(truncatingIfNeeded: value)))
  }

  /// The value of 16 digits given as two words of memory; nil unless all are `0-9` or `a-f`.
  private static func value(_ high: UInt64, _ low: UInt64) -> UInt64? {
    guard let high = value(high), let low = value(low) else { return nil }
    return UInt64(high) << 32 | UInt64(low)
  }

  /// Writes the 32 digits of `high` then `low` to `buffer`, which must hold 32 bytes.
  static func write(_ high: UInt64, _ low: UInt64, to buffer: UnsafeMutableRawPointer) {
    let (first, second) = words(high)
    let (third, fourth) = words(low)
    buffer.storeBytes(of: first.littleEndian, toByteOffset: 0, as: UInt64.self)
    buffer.storeBytes(of: second.littleEndian, toByteOffset: 8, as: UInt64.self)
    buffer.storeBytes(of: third.littleEndian, toByteOffset: 16, as: UInt64.self)
    buffer.storeBytes(of: fourth.littleEndian, toByteOffset: 24, as: UInt64.self)
  }

  /// The two numbers 32 digits at `buffer` spell (the first 16 digits, then the last 16); nil
  /// unless all 32 are `0-9` or `a-f`.
  static func read(from buffer: UnsafeRawPointer) -> (UInt64, UInt64)? {
    func word(_ offset: Int) -> UInt64 {
      UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
    guard let high = value(word(0), word(8)), let low = value(word(16), word(24)) else {
      return nil
    }
    return (high, low)
  }

  private static let ones: UInt64 = 0x0101_0101_0101_0101

  /// The eight digits of `value`, most significant first.
  private static func word(_ value: UInt32) -> UInt64 {
    // One nibble per byte, the least significant in the lowest byte...
    var nibbles = UInt64(value)
    nibbles = (nibbles | nibbles << 16) & 0x0000_FFFF_0000_FFFF
    nibbles = (nibbles | nibbles << 8) & 0x00FF_00FF_00FF_00FF
    nibbles = (nibbles | nibbles << 4) & 0x0F0F_0F0F_0F0F_0F0F
    // ...each made a digit: `0` + nibble, and 0x27 more from 10 up, which reaches `a`...
    let letters = ((nibbles &+ ones &* 6) & (ones &* 0x10)) >> 4
    let digits = nibbles &+ ones &* 0x30 &+ letters &* 0x27
    // ...and the most significant first.
    return digits.byteSwapped
  }

  /// The value of eight digits, the first in the lowest byte; nil unless all are hex digits.
  private static func value(_ word: UInt64) -> UInt32? {
    // `0-9` are 0x30-0x39 and `a-f` 0x61-0x66: the low nibble, plus 9 for a letter (0x40 set).
    let letters = (word & (ones &* 0x40)) >> 6
    let nibbles = (word & (ones &* 0x0F)) &+ letters &* 9
    // Anything else reads as some value too: only a word that writes back as it was is valid.
    var packed = nibbles.byteSwapped
    packed = (packed | packed >> 4) & 0x00FF_00FF_00FF_00FF
    packed = (packed | packed >> 8) & 0x0000_FFFF_0000_FFFF
    packed = (packed | packed >> 16) & 0x0000_0000_FFFF_FFFF
    let value = UInt32(truncatingIfNeeded: packed)
    return self.word(value) == word ? value : nil
  }
}
