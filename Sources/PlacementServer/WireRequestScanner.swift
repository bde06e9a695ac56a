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
struct WireRequestScanner {
  private let bytes: UnsafeBufferPointer<UInt8>
  private var offset = 0

  private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  /// The request `line` holds and its `id`, when the line has the common shape.
  static func decode(_ line: some Collection<UInt8>) -> (request: WireRequest, id: String?)? {
    let decoded = line.withContiguousStorageIfAvailable { buffer in
      var scanner = WireRequestScanner(buffer)
      return scanner.scanRequest()
    }
    return decoded ?? nil
  }

  /// The members a scanned line may have.
  private enum Field: Int, CaseIterable {
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
    var tags: [String]?
    var priority: String?
    var source: String?
    var lease: String?
    var observed: Double?
    var status: String?
  }

  private mutating func scanRequest() -> (request: WireRequest, id: String?)? {
    var members = Members()
    guard scanObject(into: &members), let op = members.op else { return nil }
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
        tags: Set(members.tags ?? []), priority: priority, source: members.source ?? "")
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
  private mutating func scanObject(into members: inout Members) -> Bool {
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
        guard let value = scanString() else { return false }
        members.model = value
      case .priority:
        guard let value = scanString() else { return false }
        members.priority = value
      case .source:
        guard let value = scanString() else { return false }
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
        guard let value = scanStrings() else { return false }
        members.tags = value
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
    return Self.fields.first { Self.spells($0.key, key) }
  }

  /// The value of `op`, when it is one the scanner reads.
  private mutating func scanOperation() -> Operation? {
    guard let (start, end) = scanPlainString() else { return nil }
    let name = UnsafeBufferPointer(rebasing: bytes[start..<end])
    return Self.operations.first { Self.spells($0.name, name) }?.operation
  }

  /// Built once: `allCases` and array literals would be built again on every call.
  private static let fields = Field.allCases
  private static let operations: [(operation: Operation, name: StaticString)] = [
    (.place, "place"), (.explain, "explain"), (.complete, "complete"),
  ]

  /// Whether `bytes` are exactly `name`.
  private static func spells(_ name: StaticString, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard name.utf8CodeUnitCount == bytes.count else { return false }
    for index in 0..<bytes.count where name.utf8Start[index] != bytes[index] { return false }
    return true
  }

  private mutating func scanString() -> String? {
    guard let (start, end) = scanPlainString() else { return nil }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
  }

  /// An array of strings.
  private mutating func scanStrings() -> [String]? {
    guard take(UInt8(ascii: "[")) else { return nil }
    var strings: [String] = []
    skipWhitespace()
    if take(UInt8(ascii: "]")) { return strings }
    repeat {
      skipWhitespace()
      guard let string = scanString() else { return nil }
      strings.append(string)
      skipWhitespace()
    } while take(UInt8(ascii: ","))
    return take(UInt8(ascii: "]")) ? strings : nil
  }

  /// The bounds of a quoted string's contents, when they are printable ASCII without escapes.
  private mutating func scanPlainString() -> (start: Int, end: Int)? {
    guard take(UInt8(ascii: "\"")) else { return nil }
    let start = offset
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
