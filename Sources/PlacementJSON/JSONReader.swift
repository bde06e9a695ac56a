/// Reads one JSON text (RFC 8259) from UTF-8 bytes.
///
/// Strict: no trailing commas, comments, NaN or leading zeros; strings must be valid UTF-8;
/// numbers must fit a `Double`; nesting deeper than ``maximumDepth`` is refused so hostile input
/// cannot exhaust the stack. Repeated object keys are kept (see ``JSONObject/repeatedKeys``).
package struct JSONReader {
  /// The deepest nesting of arrays and objects accepted.
  package static let maximumDepth = 64

  /// Parses `bytes` as exactly one JSON value, surrounded by optional white space.
  package static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
    let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
      do throws(JSONSyntaxError) {
        return Result<JSONValue, JSONSyntaxError>.success(try parse(buffer))
      } catch {
        return .failure(error)
      }
    }
    if let contiguous { return try contiguous.get() }
    return try Array(bytes).withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) in
      try parse(buffer)
    }
  }

  /// Parses the bytes in `buffer` (the non-generic path every other one ends in).
  package static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError)
    -> JSONValue
  {
    var reader = Cursor(buffer)
    return try reader.parseDocument()
  }

  /// Parses a string's UTF-8 as exactly one JSON value.
  package static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
    try parse(Array(text.utf8))
  }
}

private struct Cursor {
  let bytes: UnsafeBufferPointer<UInt8>
  var offset = 0
  var depth = 0

  init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
    skipWhitespace()
    let value = try parseValue()
    skipWhitespace()
    if offset < bytes.count {
      throw error("expected the end of the JSON text, found \(describe(at: offset))")
    }
    return value
  }

  // MARK: values

  mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
    guard offset < bytes.count else { throw error("expected a value, found the end of the text") }
    switch bytes[offset] {
    case UInt8(ascii: "{"): return .object(try parseObject())
    case UInt8(ascii: "["): return .array(try parseArray())
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try expectWord("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectWord("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectWord("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    default: throw error("expected a value, found \(describe(at: offset))")
    }
  }

  mutating func parseObject() throws(JSONSyntaxError) -> JSONObject {
    try enterContainer()
    offset += 1
    var members: [JSONObject.Member] = []
    skipWhitespace()
    if peek(UInt8(ascii: "}")) {
      offset += 1
      depth -= 1
      return JSONObject(members)
    }
    while true {
      skipWhitespace()
      guard peek(UInt8(ascii: "\"")) else {
        throw error("expected a string key, found \(describe(at: offset))")
      }
      let key = try parseString()
      skipWhitespace()
      guard peek(UInt8(ascii: ":")) else {
        throw error("expected ':' after key \"\(key)\", found \(describe(at: offset))")
      }
      offset += 1
      skipWhitespace()
      members.append(JSONObject.Member(key: key, value: try parseValue()))
      skipWhitespace()
      if peek(UInt8(ascii: ",")) {
        offset += 1
      } else if peek(UInt8(ascii: "}")) {
        offset += 1
        depth -= 1
        return JSONObject(members)
      } else {
        throw error("expected ',' or '}' in an object, found \(describe(at: offset))")
      }
    }
  }

  mutating func parseArray() throws(JSONSyntaxError) -> [JSONValue] {
    try enterContainer()
    offset += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if peek(UInt8(ascii: "]")) {
      offset += 1
      depth -= 1
      return elements
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue())
      skipWhitespace()
      if peek(UInt8(ascii: ",")) {
        offset += 1
      } else if peek(UInt8(ascii: "]")) {
        offset += 1
        depth -= 1
        return elements
      } else {
        throw error("expected ',' or ']' in an array, found \(describe(at: offset))")
      }
    }
  }

  mutating func enterContainer() throws(JSONSyntaxError) {
    depth += 1
    if depth > JSONReader.maximumDepth {
      throw error("nesting deeper than \(JSONReader.maximumDepth) levels")
    }
  }

  mutating func parseString() throws(JSONSyntaxError) -> String {
    let start = offset
    offset += 1
    // Fast path: no escapes, plain bytes up to the closing quote.
    var end = offset
    while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"),
      bytes[end] >= 0x20
    {
      end += 1
    }
    if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
      let slice = UnsafeBufferPointer(rebasing: bytes[offset..<end])
      // ASCII (nearly every string on the wire) is valid UTF-8 as it stands.
      let text: String
      if slice.allSatisfy({ $0 < 0x80 }) {
        text = String(decoding: slice, as: UTF8.self)
      } else if let validated = String(validating: slice, as: UTF8.self) {
        text = validated
      } else {
        throw error("string is not valid UTF-8", at: start)
      }
      offset = end + 1
      return text
    }
    var utf8: [UInt8] = Array(bytes[offset..<end])
    offset = end
    while true {
      guard offset < bytes.count else {
        throw error("unterminated string (no closing '\"')", at: start)
      }
      let byte = bytes[offset]
      switch byte {
      case UInt8(ascii: "\""):
        offset += 1
        guard let text = String(validating: utf8, as: UTF8.self) else {
          throw error("string is not valid UTF-8", at: start)
        }
        return text
      case UInt8(ascii: "\\"):
        try parseEscape(into: &utf8)
      case ..<0x20:
        throw error("control character 0x\(String(byte, radix: 16)) in a string (escape it)")
      default:
        utf8.append(byte)
        offset += 1
      }
    }
  }

  mutating func parseEscape(into utf8: inout [UInt8]) throws(JSONSyntaxError) {
    offset += 1
    guard offset < bytes.count else { throw error("unterminated escape in a string") }
    let escaped = bytes[offset]
    offset += 1
    switch escaped {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
    case UInt8(ascii: "b"): utf8.append(0x08)
    case UInt8(ascii: "f"): utf8.append(0x0C)
    case UInt8(ascii: "n"): utf8.append(0x0A)
    case UInt8(ascii: "r"): utf8.append(0x0D)
    case UInt8(ascii: "t"): utf8.append(0x09)
    case UInt8(ascii: "u"):
      var scalar = try parseHex4()
      if (0xD800..<0xDC00).contains(scalar) {
        guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"),
          bytes[offset + 1] == UInt8(ascii: "u")
        else { throw error("unpaired surrogate \\u\(String(scalar, radix: 16)) in a string") }
        offset += 2
        let low = try parseHex4()
        guard (0xDC00..<0xE000).contains(low) else {
          throw error("unpaired surrogate \\u\(String(scalar, radix: 16)) in a string")
        }
        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
      } else if (0xDC00..<0xE000).contains(scalar) {
        throw error("unpaired surrogate \\u\(String(scalar, radix: 16)) in a string")
      }
      utf8.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
    default:
      throw error(
        "unknown escape '\\\(Character(Unicode.Scalar(escaped)))' in a string", at: offset - 2)
    }
  }

  mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
    guard offset + 4 <= bytes.count else { throw error("expected 4 hex digits after \\u") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[offset]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw error("expected 4 hex digits after \\u, found \(describe(at: offset))")
      }
      value = value << 4 | UInt32(digit)
      offset += 1
    }
    return value
  }

  mutating func parseNumber() throws(JSONSyntaxError) -> Double {
    let start = offset
    if peek(UInt8(ascii: "-")) { offset += 1 }
    if peek(UInt8(ascii: "0")) {
      offset += 1
      if offset < bytes.count, isDigit(bytes[offset]) {
        throw error("leading zero in a number", at: start)
      }
    } else {
      guard try skipDigits() > 0 else {
        throw error("expected a digit, found \(describe(at: offset))")
      }
    }
    if peek(UInt8(ascii: ".")) {
      offset += 1
      guard try skipDigits() > 0 else {
        throw error("expected a digit after '.', found \(describe(at: offset))")
      }
    }
    if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
      offset += 1
      if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { offset += 1 }
      guard try skipDigits() > 0 else {
        throw error("expected a digit in the exponent, found \(describe(at: offset))")
      }
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
    guard let value = Double(text), value.isFinite else {
      throw error("number \(text) is out of range", at: start)
    }
    return value
  }

  mutating func skipDigits() throws(JSONSyntaxError) -> Int {
    let start = offset
    while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
    return offset - start
  }

  mutating func expectWord(_ word: StaticString) throws(JSONSyntaxError) {
    let start = offset
    for index in 0..<word.utf8CodeUnitCount {
      guard offset < bytes.count, bytes[offset] == word.utf8Start[index] else {
        throw error("expected a value, found \(describe(at: start))", at: start)
      }
      offset += 1
    }
  }

  // MARK: helpers

  func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

  func peek(_ byte: UInt8) -> Bool { offset < bytes.count && bytes[offset] == byte }

  mutating func skipWhitespace() {
    while offset < bytes.count {
      switch bytes[offset] {
      case 0x20, 0x09, 0x0A, 0x0D: offset += 1
      default: return
      }
    }
  }

  func describe(at position: Int) -> String {
    guard position < bytes.count else { return "the end of the text" }
    let byte = bytes[position]
    if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
    return "byte 0x\(String(byte, radix: 16))"
  }

  func error(_ message: String, at position: Int? = nil) -> JSONSyntaxError {
    let position = min(position ?? offset, bytes.count)
    var line = 1
    var lineStart = 0
    for index in 0..<position where bytes[index] == 0x0A {
      line += 1
      lineStart = index + 1
    }
    return JSONSyntaxError(line: line, column: position - lineStart + 1, message: message)
  }
}
