import Placement

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Decodes the common shape of a `place`, `explain` or `complete` line in one pass over its
/// bytes, without building a JSON tree: a flat object of known keys, each given once, whose
/// strings are ASCII without escapes and whose values pass the checks of ``WireRequest``.
///
/// Anything else, valid or not, gives nil, and the line takes the general path
/// (``JSONReader`` and ``WireRequest/decode(_:)``), which produces the same request or the
/// exact error. The scanner only ever says "yes, and it is this" or "ask the general path".
package struct WireRequestScanner {
  private let bytes: UnsafeBufferPointer<UInt8>
  private var offset = 0

  private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  /// The request `line` holds and its `id`, when the line has the common shape.
  static func decode(_ line: some Collection<UInt8>) -> (request: WireRequest, id: String?)? {
    var recent = Recent()
    return decode(line, reusing: &recent)
  }

  /// As ``decode(_:)``, taking the model, source and tags from `recent` when their bytes are
  /// the ones those values were made from, and keeping this line's there for the next.
  static func decode(
    _ line: some Collection<UInt8>, reusing recent: inout Recent
  ) -> (request: WireRequest, id: String?)? {
    let decoded = line.withContiguousStorageIfAvailable { buffer in
      var scanner = WireRequestScanner(buffer)
      return scanner.scanRequest(reusing: &recent)
    }
    return decoded ?? nil
  }

  /// The model, source and tags of the last lines a thread read, with the bytes each was made
  /// from. A device sends the same ones with every request, and a value whose bytes match is
  /// reused: no String is built and no set allocated or hashed for it.
  package struct Recent {
    fileprivate var model = RecentValue<String>()
    fileprivate var source = RecentValue<String>()
    /// The whole array's text, `[` to `]`.
    fileprivate var tags = RecentValue<Set<String>>()

    /// Nothing seen yet.
    package init() {}
  }

  /// A value and the exact bytes it was read from.
  fileprivate struct RecentValue<Value> {
    var bytes: [UInt8] = []
    var value: Value?

    /// The value, when `text` are exactly its bytes.
    func value(for text: UnsafeBufferPointer<UInt8>) -> Value? {
      guard let value, bytes.count == text.count else { return nil }
      let same = bytes.withUnsafeBufferPointer {
        text.isEmpty || memcmp($0.baseAddress!, text.baseAddress!, text.count) == 0
      }
      return same ? value : nil
    }

    mutating func keep(_ value: Value, for text: UnsafeBufferPointer<UInt8>) {
      bytes.removeAll(keepingCapacity: true)
      bytes.append(contentsOf: text)
      self.value = value
    }
  }

  /// The members a scanned line may have.
  private enum Field: Int {
    case op, id, model, latencyBudget, payloadBytes, tags, priority, source
    case lease, observed, status

    /// The member's key, as it appears between quotes.
    var key: StaticString {
      switch self {
      case .op: "op"
      case .id: "id"
      case .model: "model"
      case .latencyBudget: "latency_budget_ms"
      case .payloadBytes: "payload_bytes"
      case .tags: "tags"
      case .priority: "priority"
      case .source: "source"
      case .lease: "lease"
      case .observed: "observed_ms"
      case .status: "status"
      }
    }

    var bit: UInt16 { 1 << UInt16(rawValue) }

    static let placement: UInt16 =
      op.bit | id.bit | model.bit | latencyBudget.bit | payloadBytes.bit | tags.bit
      | priority.bit | source.bit
    static let completion: UInt16 = op.bit | id.bit | lease.bit | observed.bit | status.bit
  }

  /// The operations the scanner reads.
  private enum Operation {
    case place, explain, complete
  }

  /// The values found, by field.
  private struct Members {
    var seen: UInt16 = 0
    var op: Operation?
    var id: String?
    var model: String?
    var latencyBudget: Double?
    var payloadBytes: Double?
    var tags: Set<String>?
    var priority: String?
    var source: String?
    var lease: String?
    var observed: Double?
    var status: String?
  }

  private mutating func scanRequest(
    reusing recent: inout Recent
  ) -> (request: WireRequest, id: String?)? {
    var members = Members()
    guard scanObject(into: &members, reusing: &recent), let op = members.op else { return nil }
    switch op {
    case .place, .explain:
      guard members.seen & ~Field.placement == 0, let model = members.model, !model.isEmpty,
        let budget = members.latencyBudget, budget > 0
      else { return nil }
      var payloadBytes: Int?
      if let declared = members.payloadBytes {
        guard declared.rounded() == declared, declared >= 0, declared < 0x1p53 else { return nil }
        payloadBytes = Int(declared)
      }
      var priority = Priority.standard
      if let name = members.priority {
        guard let named = Priority(rawValue: name) else { return nil }
        priority = named
      }
      let request = PlacementRequest(
        id: members.id ?? "", model: model, latencyBudgetMs: budget, payloadBytes: payloadBytes,
        tags: members.tags ?? [], priority: priority, source: members.source ?? "")
      return (op == .place ? .place(request) : .explain(request), members.id)
    case .complete:
      guard members.seen & ~Field.completion == 0, let lease = members.lease, !lease.isEmpty,
        let observed = members.observed, observed >= 0
      else { return nil }
      var status = CompletionStatus.ok
      if let name = members.status {
        guard let named = CompletionStatus(rawValue: name) else { return nil }
        status = named
      }
      return (.complete(lease: lease, observedMs: observed, status: status), members.id)
    }
  }

  /// Reads the line's one object into `members` (filled in place: it is too large to return
  /// cheaply); false when the line does not have the common shape.
  private mutating func scanObject(into members: inout Members, reusing recent: inout Recent)
    -> Bool
  {
    skipWhitespace()
    guard take(UInt8(ascii: "{")) else { return false }
    repeat {
      skipWhitespace()
      guard let field = scanKey(), members.seen & field.bit == 0 else { return false }
      members.seen |= field.bit
      skipWhitespace()
      guard take(UInt8(ascii: ":")) else { return false }
      skipWhitespace()
      switch field {
      case .op:
        guard let value = scanOperation() else { return false }
        members.op = value
      case .id:
        guard let value = scanString() else { return false }
        members.id = value
      case .model:
        guard let value = scanString(reusing: &recent.model) else { return false }
        members.model = value
      case .priority:
        guard let value = scanString() else { return false }
        members.priority = value
      case .source:
        guard let value = scanString(reusing: &recent.source) else { return false }
        members.source = value
      case .lease:
        guard let value = scanString() else { return false }
        members.lease = value
      case .status:
        guard let value = scanString() else { return false }
        members.status = value
      case .latencyBudget:
        guard let value = scanNumber() else { return false }
        members.latencyBudget = value
      case .payloadBytes:
        guard let value = scanNumber() else { return false }
        members.payloadBytes = value
      case .observed:
        guard let value = scanNumber() else { return false }
        members.observed = value
      case .tags:
        let start = offset
        let rest = UnsafeBufferPointer(rebasing: bytes[offset...])
        let known = recent.tags.bytes.count
        if known <= rest.count,
          let tags = recent.tags.value(for: UnsafeBufferPointer(rebasing: rest[..<known]))
        {
          // The same array text as before: it reads as the same set.
          offset += known
          members.tags = tags
        } else {
          guard let value = scanStrings() else { return false }
          recent.tags.keep(value, for: UnsafeBufferPointer(rebasing: bytes[start..<offset]))
          members.tags = value
        }
      }
      skipWhitespace()
    } while take(UInt8(ascii: ","))
    guard take(UInt8(ascii: "}")) else { return false }
    skipWhitespace()
    return offset == bytes.count
  }

  /// A quoted key that names one of the fields.
  private mutating func scanKey() -> Field? {
    guard let (start, end) = scanPlainString() else { return nil }
    let key = UnsafeBufferPointer(rebasing: bytes[start..<end])
    // The length and first letter leave at most one field to compare with.
    let field: Field? =
      switch (key.count, key.first) {
      case (2, UInt8(ascii: "o")): .op
      case (2, UInt8(ascii: "i")): .id
      case (4, _): .tags
      case (5, UInt8(ascii: "m")): .model
      case (5, UInt8(ascii: "l")): .lease
      case (6, UInt8(ascii: "s")): key[1] == UInt8(ascii: "o") ? .source : .status
      case (8, _): .priority
      case (11, _): .observed
      case (13, _): .payloadBytes
      case (17, _): .latencyBudget
      default: nil
      }
    guard let field, Self.spells(field.key, key) else { return nil }
    return field
  }

  /// The value of `op`, when it is one the scanner reads.
  private mutating func scanOperation() -> Operation? {
    guard let (start, end) = scanPlainString() else { return nil }
    let name = UnsafeBufferPointer(rebasing: bytes[start..<end])
    let operation: (Operation, StaticString)? =
      switch name.count {
      case 5: (.place, "place")
      case 7: (.explain, "explain")
      case 8: (.complete, "complete")
      default: nil
      }
    guard let (operation, spelling) = operation, Self.spells(spelling, name) else { return nil }
    return operation
  }

  /// Whether `bytes` are exactly `name`.
  private static func spells(_ name: StaticString, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    name.utf8CodeUnitCount == bytes.count
      && memcmp(name.utf8Start, bytes.baseAddress!, bytes.count) == 0
  }

  /// A string, taken from `recent` when its bytes are the same.
  private mutating func scanString(reusing recent: inout RecentValue<String>) -> String? {
    guard let (start, end) = scanPlainString() else { return nil }
    let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
    if let value = recent.value(for: text) { return value }
    let value = String(decoding: text, as: UTF8.self)
    recent.keep(value, for: text)
    return value
  }

  private mutating func scanString() -> String? {
    guard let (start, end) = scanPlainString() else { return nil }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
  }

  /// An array of strings, as the set of its strings (a request's tags).
  private mutating func scanStrings() -> Set<String>? {
    guard take(UInt8(ascii: "[")) else { return nil }
    var strings: Set<String> = []
    skipWhitespace()
    if take(UInt8(ascii: "]")) { return strings }
    repeat {
      skipWhitespace()
      guard let string = scanString() else { return nil }
      strings.insert(string)
      skipWhitespace()
    } while take(UInt8(ascii: ","))
    return take(UInt8(ascii: "]")) ? strings : nil
  }

  /// The bounds of a quoted string's contents, when they are printable ASCII without escapes.
  private mutating func scanPlainString() -> (start: Int, end: Int)? {
    guard take(UInt8(ascii: "\"")) else { return nil }
    let start = offset
    // Eight plain bytes at a time, then byte by byte from the first that may end the string.
    while offset + 8 <= bytes.count,
      Self.allPlain(UnsafeRawPointer(bytes.baseAddress! + offset).loadUnaligned(as: UInt64.self))
    {
      offset += 8
    }
    while offset < bytes.count {
      let byte = bytes[offset]
      if byte == UInt8(ascii: "\"") {
        offset += 1
        return (start, offset - 1)
      }
      guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
      offset += 1
    }
    return nil
  }

  /// Whether all eight bytes of `word` are printable ASCII other than `"` and `\`: none is
  /// below 0x20 or from 0x80 up, and none is 0x22 or 0x5C. Exact, with no false answers.
  @inline(__always)
  private static func allPlain(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    /// Some byte of `x` is below `n` (n <= 128), when no byte of `x` has its high bit set.
    func anyBelow(_ x: UInt64, _ n: UInt64) -> Bool { (x &- ones &* n) & ~x & highs != 0 }
    return word & highs == 0 && !anyBelow(word, 0x20) && !anyBelow(word ^ (ones &* 0x22), 1)
      && !anyBelow(word ^ (ones &* 0x5C), 1)
  }

  /// A JSON number (RFC 8259 grammar), converted as the general path converts it.
  private mutating func scanNumber() -> Double? {
    let start = offset
    _ = take(UInt8(ascii: "-"))
    let integerStart = offset
    var integer = 0
    while offset < bytes.count, let digit = digit(bytes[offset]) {
      integer = integer &* 10 &+ digit
      offset += 1
    }
    let integerDigits = offset - integerStart
    guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else {
      return nil
    }
    var plain = integerDigits <= 15
    if take(UInt8(ascii: ".")) {
      plain = false
      guard skipDigits() > 0 else { return nil }
    }
    if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
      plain = false
      if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
      guard skipDigits() > 0 else { return nil }
    }
    if plain {
      // Fifteen digits or fewer are exact in a Double, as the general path would read them.
      let negative = bytes[start] == UInt8(ascii: "-")
      return negative ? -Double(integer) : Double(integer)
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
    guard let value = Double(text), value.isFinite else { return nil }
    return value
  }

  private func digit(_ byte: UInt8) -> Int? {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
  }

  private mutating func skipDigits() -> Int {
    let start = offset
    while offset < bytes.count, digit(bytes[offset]) != nil { offset += 1 }
    return offset - start
  }

  private mutating func skipWhitespace() {
    while offset < bytes.count {
      switch bytes[offset] {
      case 0x20, 0x09, 0x0A, 0x0D: offset += 1
      default: return
      }
    }
  }

  private mutating func take(_ byte: UInt8) -> Bool {
    guard offset < bytes.count, bytes[offset] == byte else { return false }
    offset += 1
    return true
  }
}
