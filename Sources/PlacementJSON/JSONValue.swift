/// A parsed JSON value. Objects keep their members in order, duplicates included, so a reader
/// can report a repeated key instead of silently keeping one of them.
package enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)

  /// How the value reads in an error message: short, with strings quoted
  /// (`"fast"`, `12`, `an array`, `an object`, `null`).
  package var summary: String {
    switch self {
    case .null: return "null"
    case .bool(let value): return value ? "true" : "false"
    case .number(let value):
      if value == value.rounded(), abs(value) < 0x1p53 { return String(Int64(value)) }
      return JSONWriter.format(value)
    case .string(let value):
      let shown = value.count > 40 ? String(value.prefix(40)) + "..." : value
      var writer = JSONWriter()
      writer.value(shown)
      return writer.text
    case .array: return "an array"
    case .object: return "an object"
    }
  }
}

/// A JSON object's members, in the order they were written.
package struct JSONObject: Sendable, Hashable {
  /// One `"key": value` member.
  package struct Member: Sendable, Hashable {
    package var key: String
    package var value: JSONValue

    package init(key: String, value: JSONValue) {
      self.key = key
      self.value = value
    }
  }

  /// The members, in order, duplicates included.
  package var members: [Member]

  package init(_ members: [Member] = []) { self.members = members }

  /// The value of the first member named `key`.
  package subscript(key: String) -> JSONValue? {
    members.first { $0.key == key }?.value
  }

  /// Keys that appear more than once, each once, in order of their second appearance.
  package var repeatedKeys: [String] {
    // The common case, a small object with distinct keys, allocates nothing.
    if members.count <= 16 {
      var repeated: [String] = []
      for index in members.indices.dropFirst()
      where members[..<index].contains(where: { $0.key == members[index].key })
        && !repeated.contains(members[index].key)
      {
        repeated.append(members[index].key)
      }
      return repeated
    }
    var seen = Set<String>()
    var repeated: [String] = []
    for member in members where !seen.insert(member.key).inserted {
      if !repeated.contains(member.key) { repeated.append(member.key) }
    }
    return repeated
  }
}
