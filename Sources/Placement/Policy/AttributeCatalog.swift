/// Every attribute a condition may read, by name, and suggestions for names it does not know.
enum AttributeCatalog {
  /// Every attribute, in the order of DESIGN.md's table (suggestion ties go to the earlier).
  static let all: [PolicyAttribute] =
    PolicyAttribute.Text.allCases.filter { $0.stage == .request }.map { .string($0) }
    + PolicyAttribute.Number.allCases.filter { $0.stage == .request }.map { .number($0) }
    + [.stringSet(.request)]
    + PolicyAttribute.Text.allCases.filter { $0.stage != .request }.map { .string($0) }
    + [.stringSet(.target)]
    + PolicyAttribute.Number.allCases.filter { $0.stage != .request }.map { .number($0) }

  private static let byName: [String: PolicyAttribute] = Dictionary(
    uniqueKeysWithValues: all.map { ($0.name, $0) })

  /// The attribute called `name` (for example `request.model`), if there is one.
  static func attribute(named name: String) -> PolicyAttribute? {
    byName[name]
  }

  /// The known name to suggest for the unknown `object.name`: first a name of the same object
  /// whose part after the dot contains `name` or is contained in it, then such a name of the
  /// other object, else the nearest name of the same object by edit distance. Among several
  /// that contain, the nearest by edit distance wins; ties go to the table order.
  static func suggestion(object: String, name: String) -> String {
    let typed = name.lowercased()
    let own = all.filter { $0.name.hasPrefix(object + ".") }
    let other = all.filter { !$0.name.hasPrefix(object + ".") }
    func field(_ attribute: PolicyAttribute) -> String {
      String(attribute.name.drop { $0 != "." }.dropFirst())
    }
    func nearest(_ candidates: [PolicyAttribute]) -> PolicyAttribute? {
      candidates.min { editDistance(field($0), typed) < editDistance(field($1), typed) }
    }
    func containing(_ candidates: [PolicyAttribute]) -> [PolicyAttribute] {
      candidates.filter { field($0).contains(typed) || typed.contains(field($0)) }
    }
    let best = nearest(containing(own)) ?? nearest(containing(other)) ?? nearest(own)
    return best?.name ?? "\(object).\(name)"
  }

  /// The attributes a bare word probably meant (`tier` → `'target.tier'`), if any.
  static func suggestion(forBareName word: String) -> String? {
    if word.lowercased() == "true" || word.lowercased() == "false" {
      return "'\(word.lowercased())'"
    }
    let matches = all.filter { $0.name.hasSuffix("." + word) }.map { "'\($0.name)'" }
    return matches.isEmpty ? nil : matches.joined(separator: " or ")
  }

  /// The Levenshtein distance between `a` and `b`, counted in Unicode scalars.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars)
    let b = Array(b.unicodeScalars)
    guard !a.isEmpty, !b.isEmpty else {
      return max(a.count, b.count)
    }
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var row = [i] + Array(repeating: 0, count: b.count)
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        row[j] = min(previous[j] + 1, row[j - 1] + 1, substitution)
      }
      previous = row
    }
    return previous[b.count]
  }
}
