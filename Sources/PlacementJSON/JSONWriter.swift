/// Writes compact JSON (one line) into a byte buffer, member by member, in the order given.
///
/// Commas are placed automatically: call ``key(_:)`` before each member's value inside an
/// object, and the value functions in order inside an array.
///
/// The writer owns a plain buffer it grows itself: an answer line is a hundred small appends,
/// and an array's uniqueness and capacity checks on each of them cost more than the bytes.
/// It cannot be copied, so the buffer has exactly one owner, which frees it.
///
/// The small functions every member goes through (keys, brackets, literals) are inlinable: an
/// audit record of a few hundred members would otherwise spend more on the calls than on the
/// bytes. They are `public` only for that: Swift 6.3 does not inline `@inlinable package`
/// functions into other modules. PlacementJSON is not a product, so none of this is the
/// package's API.
public struct JSONWriter: ~Copyable {
  @usableFromInline var base: UnsafeMutablePointer<UInt8>
  @usableFromInline var count = 0
  @usableFromInline var capacity: Int
  @usableFromInline var needsComma = false
  /// The text of fractional numbers written lately (see ``init(capacity:remembersNumbers:)``).
  private var numbers: UnsafeMutablePointer<RememberedNumber>?

  /// A writer with room for `capacity` bytes before it grows. With `remembersNumbers`, the
  /// writer keeps the text of the last fractional numbers it wrote (a few kilobytes): for a
  /// long-lived writer of records whose estimates repeat, where finding the shortest digits
  /// of a fraction costs far more than the rest of a number.
  public init(capacity: Int = 256, remembersNumbers: Bool = false) {
    self.capacity = max(capacity, 16)
    base = .allocate(capacity: self.capacity)
    if remembersNumbers {
      numbers = .allocate(capacity: RememberedNumber.slots)
      numbers!.initialize(repeating: RememberedNumber(), count: RememberedNumber.slots)
    }
  }

  deinit {
    base.deallocate()
    numbers?.deallocate()
  }

  /// The UTF-8 written so far.
  package var bytes: [UInt8] { Array(written) }

  /// The text written so far.
  package var text: String { String(decoding: written, as: UTF8.self) }

  private var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

  @inlinable public mutating func beginObject() {
    separate()
    append(UInt8(ascii: "{"))
    needsComma = false
  }

  @inlinable public mutating func endObject() {
    append(UInt8(ascii: "}"))
    needsComma = true
  }

  @inlinable public mutating func beginArray() {
    separate()
    append(UInt8(ascii: "["))
    needsComma = false
  }

  @inlinable public mutating func endArray() {
    append(UInt8(ascii: "]"))
    needsComma = true
  }

  /// Writes `"key":` for a key known when the program is written, which needs no escaping;
  /// the member's value comes next.
  @inlinable @inline(__always)
  public mutating func key(_ key: StaticString) {
    let length = key.utf8CodeUnitCount
    reserve(length + 4)
    if needsComma {
      base[count] = UInt8(ascii: ",")
      count += 1
    }
    base[count] = UInt8(ascii: "\"")
    (base + count + 1).initialize(from: key.utf8Start, count: length)
    base[count + length + 1] = UInt8(ascii: "\"")
    base[count + length + 2] = UInt8(ascii: ":")
    count += length + 3
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
  @inlinable public mutating func value(literal text: StaticString) {
    separate()
    appendQuoted(literal: text)
    needsComma = true
  }

  /// Writes `text` as a string without looking for what needs escaping: for text the caller
  /// made and vouches for (hex digits, a timestamp).
  package mutating func value(verbatim text: UnsafeBufferPointer<UInt8>) {
    separate()
    reserve(text.count + 2)
    append(UInt8(ascii: "\""))
    append(text)
    append(UInt8(ascii: "\""))
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
      appendFraction(number)
    } else {
      append("null")
    }
    needsComma = true
  }

  /// Writes a count or sequence number in full (an audit log's `seq` may pass `Int.max`).
  package mutating func value(_ number: UInt64) {
    separate()
    appendDigits(of: UInt(number))
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

  @inlinable public mutating func null() {
    separate()
    append("null")
    needsComma = true
  }

  /// Writes an array of strings.
  package mutating func value(_ strings: [String]) {
    beginArray()
    for index in strings.indices { value(strings[index]) }
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

  /// Writes members another writer wrote (`"key":value,...`, no braces) into the open object.
  package mutating func members(_ written: UnsafeBufferPointer<UInt8>) {
    guard !written.isEmpty else { return }
    separate()
    append(written)
    needsComma = true
  }

  /// Takes back the `}` that closed the last object, so that more members can follow: the
  /// audit log hashes a record closed, then writes the hash inside it.
  package mutating func reopenObject() {
    precondition(count > 1 && base[count - 1] == UInt8(ascii: "}"), "no object to reopen")
    count -= 1
    needsComma = base[count - 1] != UInt8(ascii: "{")
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

  @inlinable @inline(__always)
  mutating func reserve(_ extra: Int) {
    if count + extra > capacity { grow(toHold: count + extra) }
  }

  @usableFromInline @inline(never)
  mutating func grow(toHold needed: Int) {
    let grown = max(needed, capacity * 2)
    let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
    larger.initialize(from: base, count: count)
    base.deallocate()
    base = larger
    capacity = grown
  }

  @inlinable @inline(__always)
  mutating func append(_ byte: UInt8) {
    reserve(1)
    base[count] = byte
    count += 1
  }

  @inlinable mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
    guard let source = buffer.baseAddress, !buffer.isEmpty else { return }
    reserve(buffer.count)
    (base + count).initialize(from: source, count: buffer.count)
    count += buffer.count
  }

  @inlinable mutating func append(_ text: StaticString) {
    append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  /// The same shortest digits as `description`, without making a String of them; from the
  /// remembered numbers when this one was written lately.
  private mutating func appendFraction(_ number: Double) {
    guard let numbers else {
      NumberText(number).withBytes { append($0) }
      return
    }
    let bits = number.bitPattern
    let slot = numbers + RememberedNumber.slot(of: bits)
    if slot.pointee.bits != bits {
      slot.pointee = NumberText(number).withBytes { RememberedNumber(bits: bits, text: $0) }
    }
    reserve(RememberedNumber.capacity)
    // Stores all of the slot's bytes at once; only its count of them are kept.
    withUnsafeBytes(of: slot.pointee.text) {
      UnsafeMutableRawPointer(base + count).copyMemory(
        from: $0.baseAddress!, byteCount: RememberedNumber.capacity)
    }
    count += Int(slot.pointee.count)
  }

  private mutating func appendDigits(of number: Int) {
    if number < 0 { append(UInt8(ascii: "-")) }
    appendDigits(of: number.magnitude)
  }

  private mutating func appendDigits(of magnitude: UInt) {
    var magnitude = magnitude
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

  @inlinable @inline(__always)
  mutating func separate() {
    if needsComma { append(UInt8(ascii: ",")) }
  }

  /// `"text"`, for text known when the program is written, which needs no escaping.
  @inlinable @inline(__always)
  mutating func appendQuoted(literal text: StaticString) {
    let length = text.utf8CodeUnitCount
    reserve(length + 2)
    base[count] = UInt8(ascii: "\"")
    (base + count + 1).initialize(from: text.utf8Start, count: length)
    base[count + length + 1] = UInt8(ascii: "\"")
    count += length + 2
  }

  private mutating func appendQuoted(_ string: String) {
    // Native strings lend their bytes as they are; others are made native first.
    if string.utf8.withContiguousStorageIfAvailable({ appendQuoted(utf8: $0) }) == nil {
      var string = string
      string.withUTF8 { appendQuoted(utf8: $0) }
    }
  }

  private mutating func appendQuoted(utf8: UnsafeBufferPointer<UInt8>) {
    let length = utf8.count
    // Room for the text and its quotes; escapes reserve their own.
    reserve(length + 2)
    base[count] = UInt8(ascii: "\"")
    count += 1
    // Most strings need no escape: eight bytes at a time are checked and stored whole while
    // none does; the rest, from the first word that needs one, byte by byte.
    var index = 0
    if let source = utf8.baseAddress {
      while index + 8 <= length {
        let word = UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self)
        if Self.anyNeedsEscape(word) { break }
        UnsafeMutableRawPointer(base + count).storeBytes(of: word, as: UInt64.self)
        count += 8
        index += 8
      }
    }
    while index < length {
      let byte = utf8[index]
      if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
        appendEscape(byte)
      } else {
        append(byte)
      }
      index += 1
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

/// One remembered fractional number: its bit pattern and its text. The slots hold the last
/// number of each bit-pattern hash; 0 (the bits of `0.0`, which is written as a whole number)
/// marks a slot empty.
private struct RememberedNumber {
  /// How many slots a writer that remembers numbers has.
  static let slots = 256
  /// The longest text a slot holds: the longest a Double prints is 24 characters.
  static let capacity = 24

  var bits: UInt64 = 0
  var count: UInt8 = 0
  var text: (UInt64, UInt64, UInt64) = (0, 0, 0)

  init() {}

  init(bits: UInt64, text: UnsafeBufferPointer<UInt8>) {
    self.bits = bits
    count = UInt8(min(text.count, Self.capacity))
    withUnsafeMutableBytes(of: &self.text) {
      $0.copyMemory(
        from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(text)[..<Int(count)]))
    }
  }

  /// The slot of a number with these bits (Fibonacci hashing: the multiply spreads nearby
  /// patterns, the shift keeps the top bits).
  static func slot(of bits: UInt64) -> Int {
    Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> 56)
  }
}

/// The text of one number, on the stack: `Double.write(to:)` hands its digits to
/// `_writeASCII` as bytes, where `description` would first make them a String (and allocate
/// for 16 characters or more).
private struct NumberText: TextOutputStream {
  /// Room for the longest a Double prints (24 characters, `-2.2250738585072014e-308`).
  private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
  private var count = 0

  /// The shortest text that reads back as `number`, as `description` writes it.
  init(_ number: Double) {
    number.write(to: &self)
  }

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
