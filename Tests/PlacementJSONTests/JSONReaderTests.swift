import PlacementJSON
import Testing

@Suite struct JSONReaderTests {
  @Test func readsEveryKindOfValue() throws {
    let value = try JSONReader.parse(
      #"{"a": [1, -2.5, 3e2, true, false, null], "b": "x\n\u00e9\ud83d\ude00\"", "c": {}}"#)
    guard case .object(let object) = value else {
      Issue.record("expected an object")
      return
    }
    #expect(
      object["a"]
        == .array([.number(1), .number(-2.5), .number(300), .bool(true), .bool(false), .null]))
    #expect(object["b"] == .string("x\né😀\""))
    #expect(object["c"] == .object(JSONObject()))
  }

  @Test func keepsRepeatedKeysSoReadersCanReportThem() throws {
    guard
      case .object(let object) = try JSONReader.parse(#"{"tags":["pii"],"tags":[],"a":1,"a":2}"#)
    else {
      Issue.record("expected an object")
      return
    }
    #expect(object.members.count == 4)
    #expect(object.repeatedKeys == ["tags", "a"])
    #expect(object["tags"] == .array([.string("pii")]))
  }

  @Test(arguments: [
    (#"{"a":1,}"#, 1, 8, "expected a string key, found '}'"),
    ("[1 2]", 1, 4, "expected ',' or ']' in an array, found '2'"),
    ("{\n  \"a\": tru\n}", 2, 8, "expected a value, found 't'"),
    ("01", 1, 1, "leading zero in a number"),
    ("1e999", 1, 1, "number 1e999 is out of range"),
    (#""abc"#, 1, 1, "unterminated string (no closing '\"')"),
    (#""a\qb""#, 1, 3, "unknown escape '\\q' in a string"),
    (#""\ud800""#, 1, 8, "unpaired surrogate \\ud800 in a string"),
    ("[1] x", 1, 5, "expected the end of the JSON text, found 'x'"),
    ("", 1, 1, "expected a value, found the end of the text"),
    ("NaN", 1, 1, "expected a value, found 'N'"),
  ])
  func reportsWhereTheTextStopsBeingJSON(text: String, line: Int, column: Int, message: String) {
    #expect(throws: JSONSyntaxError(line: line, column: column, message: message)) {
      try JSONReader.parse(text)
    }
  }

  @Test func refusesInvalidUTF8() {
    #expect(throws: JSONSyntaxError.self) { try JSONReader.parse([0x22, 0xC3, 0x28, 0x22]) }
  }

  @Test func refusesNestingDeeperThanTheLimit() throws {
    let deep =
      String(repeating: "[", count: JSONReader.maximumDepth + 1)
      + String(repeating: "]", count: JSONReader.maximumDepth + 1)
    #expect(throws: JSONSyntaxError.self) { try JSONReader.parse(deep) }
    let fine =
      String(repeating: "[", count: JSONReader.maximumDepth)
      + String(repeating: "]", count: JSONReader.maximumDepth)
    _ = try JSONReader.parse(fine)
  }

  @Test func controlCharactersMustBeEscaped() {
    #expect(throws: JSONSyntaxError.self) { try JSONReader.parse("\"a\u{01}b\"") }
  }
}

@Suite struct JSONWriterTests {
  @Test func writesCompactJSONThatReadsBack() throws {
    var writer = JSONWriter()
    writer.beginObject()
    writer.key("id")
    writer.value("r\"1\n\u{01}")
    writer.key("n")
    writer.value(28.0)
    writer.key("list")
    writer.beginArray()
    writer.value(1)
    writer.value(true)
    writer.null()
    writer.endArray()
    writer.key("empty")
    writer.beginObject()
    writer.endObject()
    writer.endObject()
    #expect(writer.text == #"{"id":"r\"1\n\u0001","n":28.0,"list":[1,true,null],"empty":{}}"#)
    guard case .object(let object) = try JSONReader.parse(writer.bytes) else {
      Issue.record("expected an object")
      return
    }
    #expect(object["id"] == .string("r\"1\n\u{01}"))
  }

  @Test func writesNumbersThatReadBackExactly() throws {
    for number in [
      0.1, 1.0 / 3.0, 17.926666666666666, 1e-7, 123456789.125, -0.5, -2.2250738585072014e-308,
      .greatestFiniteMagnitude, 1e300,
    ] {
      var writer = JSONWriter()
      writer.value(number)
      #expect(try JSONReader.parse(writer.bytes) == .number(number))
      // The shortest text, as `description` writes it.
      #expect(writer.text == number.description)
    }
  }

  /// A writer that remembers fractions writes each one as `description` does, however often
  /// it comes back and whichever others share its slot.
  @Test func remembersFractionsWithoutChangingTheirText() throws {
    let numbers =
      (1...1500).map { Double($0) / 7 } + [0.1, -0.5, 1e-7, -2.2250738585072014e-308, -0.0]
    var writer = JSONWriter(capacity: 16, remembersNumbers: true)
    for round in 0..<3 {
      let order = round == 1 ? numbers.reversed() : numbers
      writer.reset()
      writer.beginArray()
      for number in order { writer.value(number) }
      writer.endArray()
      #expect(writer.text == "[" + order.map(\.description).joined(separator: ",") + "]")
    }
    writer.reset()
    writer.value(2.0 / 3.0)
    #expect(writer.text == (2.0 / 3.0).description)
  }

  /// Whole numbers take a shortcut past `description`; it must write the same text.
  @Test(arguments: [
    0.0, -0.0, 1.0, -1.0, 28.0, 250_000.0, 999_999_999_999_999.0, -999_999_999_999_999.0,
    1e15, -1e15, 1e16, 4_503_599_627_370_496.0, 0.5, -2.5, .infinity, .nan,
  ])
  func writesWholeNumbersAsDescriptionDoes(_ number: Double) {
    var writer = JSONWriter()
    writer.value(number)
    #expect(writer.text == (number.isFinite ? number.description : "null"))
  }

  @Test(arguments: [0, 7, -7, 10, 1_000_000, Int.max, Int.min])
  func writesIntegersAsStringDoes(_ number: Int) {
    var writer = JSONWriter()
    writer.value(number)
    #expect(writer.text == String(number))
  }

  /// Strings are scanned eight bytes at a time for characters to escape; every position of
  /// every such character, in strings of every length around a word, must still be escaped.
  @Test func escapesEveryCharacterThatNeedsItWhereverItIs() {
    func reference(_ string: String) -> String {
      var text = "\""
      for scalar in string.unicodeScalars {
        switch scalar {
        case "\"": text += #"\""#
        case "\\": text += #"\\"#
        case "\n": text += #"\n"#
        case "\r": text += #"\r"#
        case "\t": text += #"\t"#
        case _ where scalar.value < 0x20:
          text += #"\u00"# + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
        default: text.unicodeScalars.append(scalar)
        }
      }
      return text + "\""
    }
    let plain = Array("abcdefghijklmnopqrstuvwxyz0123456789-_ é~\u{7F}".unicodeScalars)
    let special: [Unicode.Scalar] = ["\"", "\\", "\n", "\u{00}", "\u{1F}", "\u{01}", "\t"]
    for length in 0...25 {
      for position in 0..<max(length, 1) {
        for escaped in special {
          var scalars = (0..<length).map { plain[($0 * 7 + length) % plain.count] }
          if length > 0 { scalars[position] = escaped }
          var string = ""
          string.unicodeScalars.append(contentsOf: scalars)
          var writer = JSONWriter()
          writer.value(string)
          #expect(writer.text == reference(string), "\(Array(string.utf8))")
        }
      }
    }
  }

  @Test func growsPastItsFirstCapacityAndEndsLines() {
    var writer = JSONWriter(capacity: 1)
    let long = String(repeating: "é\"", count: 300)
    writer.beginObject()
    writer.key(escaping: "k\n")
    writer.value(long)
    writer.endObject()
    let expected = #"{"k\n":""# + String(repeating: #"é\""#, count: 300) + "\"}\n"
    #expect(writer.finishLine() == Array(expected.utf8))
  }
}

@Suite struct JSONValidatorTests {
  @Test func reportsEveryIssueWithItsPath() throws {
    let value = try JSONReader.parse(#"{"name": 3, "count": 0, "extra": true, "count": 2}"#)
    var validator = JSONValidator()
    let object = validator.object(value, at: "", allowedKeys: ["name", "count"])
    #expect(object != nil)
    _ = validator.string("name", in: object!, at: "", nonEmpty: true)
    _ = validator.integer("count", in: object!, at: "", atLeast: 1)
    _ = validator.number("missing", in: object!, at: "", .positive)
    #expect(
      validator.issues.map(\.description) == [
        "count: expected each key once, found \"count\" repeated",
        "extra: expected one of the fields name, count, found unknown field \"extra\"",
        "name: expected a non-empty string, found 3",
        "count: expected an integer >= 1, found 0",
        "missing: expected a number > 0, found nothing (the field is required)",
      ])
  }
}
