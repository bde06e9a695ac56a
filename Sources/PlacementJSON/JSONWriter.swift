/// Writes compact JSON (one line) into a byte buffer, member by member, in the order given.
///
/// Commas are placed automatically: call ``key(_:)`` before each member's value inside an
/// object, and the value functions in order inside an array.
///
/// The writer owns a plain buffer it grows itself: an answer line is a hundred small appends,
/// and an array's uniqueness and capacity checks on each of them cost more than the bytes.
/// It cannot be copied, so the buffer has exactly one owner, which frees it.
package struct JSONWriter: ~Copyable {
  private var base: UnsafeMutablePointer<UInt8>
  private var count = 0
  private var capacity: Int
  private var needsComma = false

  package init(capacity: Int = 256) {
    self.capacity = max(capacity, 16)
    base = .allocate(capacity: self.capacity)
  }

  deinit { base.deallocate() }

  /// The UTF-8 written so far.
  package var bytes: [UInt8] { Array(written) }

  /// The text written so far.
  package var text: String { String(decoding: written, as: UTF8.self) }

  private var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

  package mutating func beginObject() {
    separate()
    append(UInt8(ascii: "{"))
    needsComma = false
  }

  package mutating func endObject() {
    append(UInt8(ascii: "}"))
    needsComma = true
  }

  package mutating func beginArray() {
    separate()
    append(UInt8(ascii: "["))
    needsComma = false
  }

  package mutating func endArray() {
    append(UInt8(ascii: "]"))
    needsComma = true
  }

  /// Writes `"key":` for a key known when the program is written, which needs no escaping;
  /// the member's value comes next.
  package mutating func key(_ key: StaticString) {
    separate()
    appendQuoted(literal: key)
    append(UInt8(ascii: ":"))
    needsComma = false
  }

  /// Writes `"key":` for a key read from data, escaping what JSON requires; the member's
  /// value comes next.
  package mutating func key(escaping key: String) {
    separate()
    appendQuoted(key)
    append(UInt8(ascii: ":"))
    needsComma = false
  }

  package mutating func value(_ string: String) {
    separate()
    appendQuoted(string)
    needsComma = true
  }

  /// Writes a string known when the program is written (a name from the protocol), which
  /// needs no escaping.
  package mutating func value(literal text: StaticString) {
    separate()
    appendQuoted(literal: text)
    needsComma = true
  }

  package mutating func value(_ number: Double) {
    separate()
    if number.rounded(.towardZero) == number, abs(number) < 1e15,
      number != 0 || number.sign == .plus
    {
      // Whole numbers are most of what is written: their digits, then ".0", as `description`
      // would write them.
      appendDigits(of: Int(number))
      append(UInt8(ascii: "."))
      append(UInt8(ascii: "0"))
    } else if number.isFinite {
      // The same shortest digits as `description`, without making a String of them.
      var text = NumberText()
      number.write(to: &text)
      text.withBytes { append($0) }
    } else {
      append("null")
    }
    needsComma = true
  }

  package mutating func value(_ number: Int) {
    separate()
    appendDigits(of: number)
    needsComma = true
  }

  package mutating func value(_ bool: Bool) {
    separate()
    append(bool ? "true" : "false")
    needsComma = true
  }

  package mutating func null() {
    separate()
    append("null")
    needsComma = true
  }

  /// Writes an array of strings.
  package mutating func value(_ strings: [String]) {
    beginArray()
    for string in strings { value(string) }
    endArray()
  }

  /// Writes `value` whole.
  package mutating func value(_ value: JSONValue) {
    switch value {
    case .null: null()
    case .bool(let bool): self.value(bool)
    case .number(let number): self.value(number)
    case .string(let string): self.value(string)
    case .array(let elements):
      beginArray()
      for element in elements { self.value(element) }
      endArray()
    case .object(let object):
      beginObject()
      for member in object.members {
        key(escaping: member.key)
        self.value(member.value)
      }
      endObject()
    }
  }

  /// Writes bytes that are already one JSON value.
  package mutating func raw(_ json: some Sequence<UInt8>) {
    separate()
    for byte in json { append(byte) }
    needsComma = true
  }

  /// The shortest text that reads back as `number` (`28.0`, `0.125`, `1e-07`); JSON has no
  /// infinity or NaN, so those are written as `null`.
  package static func format(_ number: Double) -> String {
    number.isFinite ? number.description : "null"
  }

  /// Empties the writer, keeping its buffer for the next text.
  package mutating func reset() {
    count = 0
    needsComma = false
  }

  /// Calls `body` with the bytes written so far, without copying them.
  package func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try body(written)
  }

  /// Ends the line: a newline after the text written so far.
  package mutating func endLine() {
    append(UInt8(ascii: "\n"))
    needsComma = false
  }

  /// The text so far with a newline after it, for a JSON Lines record.
  package mutating func finishLine() -> [UInt8] {
    append(UInt8(ascii: "\n"))
    needsComma = false
    return bytes
  }

  // MARK: the buffer

  @inline(__always)
  private mutating func reserve(_ extra: Int) {
    if count + extra > capacity { grow(toHold: count + extra) }
  }

  private mutating func grow(toHold needed: Int) {
    let grown = max(needed, capacity * 2)
    let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
    larger.initialize(from: base, count: count)
    base.deallocate()
    base = larger
    capacity = grown
  }

  @inline(__always)
  private mutating func append(_ byte: UInt8) {
    reserve(1)
    base[count] = byte
    count += 1
  }

  private mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
    guard let source = buffer.baseAddress, !buffer.isEmpty else { return }
    reserve(buffer.count)
    (base + count).initialize(from: source, count: buffer.count)
    count += buffer.count
  }

  private mutating func append(_ text: StaticString) {
    append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  private mutating func appendDigits(of number: Int) {
    if number < 0 {
      guard number != .min else {
        var text = String(number)
        text.withUTF8 { append($0) }
        return
      }
      append(UInt8(ascii: "-"))
    }
    var magnitude = number.magnitude
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
      var start = 20
      repeat {
        start -= 1
        digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
      } while magnitude > 0
      append(UnsafeBufferPointer(rebasing: digits[start..<20]))
    }
  }

  @inline(__always)
  private mutating func separate() {
    if needsComma { append(UInt8(ascii: ",")) }
  }

  /// `"text"`, for text known when the program is written, which needs no escaping; room for
  /// one byte more is reserved (a key's `:`).
  @inline(__always)
  private mutating func appendQuoted(literal text: StaticString) {
    let length = text.utf8CodeUnitCount
    reserve(length + 3)
    base[count] = UInt8(ascii: "\"")
    (base + count + 1).initialize(from: text.utf8Start, count: length)
    base[count + length + 1] = UInt8(ascii: "\"")
    count += length + 2
  }

  private mutating func appendQuoted(_ string: String) {
    var string = string
    string.withUTF8 { utf8 in
      reserve(utf8.count + 2)
      append(UInt8(ascii: "\""))
      // Most strings need no escape: runs of plain bytes are found eight at a time and copied
      // whole.
      var runStart = 0
      var index = 0
      let length = utf8.count
      while index < length {
        if index + 8 <= length,
          !Self.anyNeedsEscape(
            UnsafeRawPointer(utf8.baseAddress! + index).loadUnaligned(as: UInt64.self))
        {
          index += 8
          continue
        }
        let byte = utf8[index]
        if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
          append(UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
          appendEscape(byte)
          runStart = index + 1
        }
        index += 1
      }
      append(UnsafeBufferPointer(rebasing: utf8[runStart...]))
    }
    append(UInt8(ascii: "\""))
  }

  /// Whether any of the eight bytes of `word` needs an escape in a JSON string: a control
  /// character (below 0x20), `"` or `\`. Exact, with no false positives or negatives.
  @inline(__always)
  private static func anyNeedsEscape(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    /// Some byte of `x` is below `n` (n <= 128).
    func anyBelow(_ x: UInt64, _ n: UInt64) -> Bool { (x &- ones &* n) & ~x & highs != 0 }
    return anyBelow(word, 0x20) || anyBelow(word ^ (ones &* 0x22), 1)
      || anyBelow(word ^ (ones &* 0x5C), 1)
  }

  private mutating func appendEscape(_ byte: UInt8) {
    switch byte {
    case UInt8(ascii: "\""): append(#"\""#)
    case UInt8(ascii: "\\"): append(#"\\"#)
    case 0x0A: append(#"\n"#)
    case 0x0D: append(#"\r"#)
    case 0x09: append(#"\t"#)
    default:
      let hex: StaticString = "0123456789abcdef"
      append(#"\u00"#)
      append(hex.utf8Start[Int(byte >> 4)])
      append(hex.utf8Start[Int(byte & 0xF)])
    }
  }
}

/// The text of one number, on the stack: `Double.write(to:)` hands its digits to
/// `_writeASCII` as bytes, where `description` would first make them a String (and allocate
/// for 16 characters or more).
private struct NumberText: TextOutputStream {
  /// Room for the longest a Double prints (24 characters, `-2.2250738585072014e-308`).
  private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
  private var count = 0

  mutating func write(_ string: String) {
    var string = string
    string.withUTF8 { _writeASCII($0) }
  }

  mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
    let room = MemoryLayout.size(ofValue: storage)
    withUnsafeMutableBytes(of: &storage) { bytes in
      for byte in buffer where count < room {
        bytes[count] = byte
        count += 1
      }
    }
  }

  func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    withUnsafeBytes(of: storage) { bytes in
      body(
        UnsafeBufferPointer(
          start: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count))
    }
  }
}
