import PlacementSimulation

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A hand-written SVG chart for `placement audit stats --svg`: per tier and pool, horizontal
/// bars of observed latency (p50 solid, p90 and p99 lighter, on one scale) with budget
/// attainment beside them, and the decision outcomes as a stacked bar.
struct AuditChart {
  struct Row {
    var name: String
    var p50: Double
    var p90: Double
    var p99: Double
    var attainment: Double
    var count: Int
  }

  var pools: [Row]
  var outcomes: [String: Int]
  var title: String

  var svg: String {
    let width = 760.0
    let left = 170.0
    let barWidth = 420.0
    let rowHeight = 34.0
    let top = 70.0
    let height = top + Double(pools.count) * rowHeight + 120
    let maximum = max(pools.map(\.p99).max() ?? 1, 1)
    let scale = barWidth / niceCeiling(maximum)
    var out = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
      viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
      <rect width="100%" height="100%" fill="#ffffff"/>
      <text x="20" y="28" font-size="16" font-weight="bold">\(title.xmlEscaped)</text>
      <text x="20" y="48" fill="#555">Observed latency per tier and pool (ok completions): p50 dark, p90 and p99 lighter; right: share within budget</text>

      """
    let axis = niceCeiling(maximum)
    for step in 0...4 {
      let value = axis * Double(step) / 4
      let x = left + value * scale
      out +=
        "<line x1=\"\(x)\" y1=\"\(top - 6)\" x2=\"\(x)\" y2=\"\(top + Double(pools.count) * rowHeight)\" stroke=\"#e3e3e3\"/>\n"
      out +=
        "<text x=\"\(x)\" y=\"\(top + Double(pools.count) * rowHeight + 16)\" text-anchor=\"middle\" fill=\"#555\">\(format1(value)) ms</text>\n"
    }
    for (index, row) in pools.enumerated() {
      let y = top + Double(index) * rowHeight
      let color = row.name.hasPrefix("tier ") ? "#2b6cb0" : "#2f855a"
      out +=
        "<text x=\"\(left - 10)\" y=\"\(y + 17)\" text-anchor=\"end\">\(row.name.xmlEscaped) (\(row.count))</text>\n"
      out +=
        "<rect x=\"\(left)\" y=\"\(y + 4)\" width=\"\(row.p99 * scale)\" height=\"18\" fill=\"\(color)\" opacity=\"0.25\"><title>p99 \(format1(row.p99)) ms</title></rect>\n"
      out +=
        "<rect x=\"\(left)\" y=\"\(y + 4)\" width=\"\(row.p90 * scale)\" height=\"18\" fill=\"\(color)\" opacity=\"0.5\"><title>p90 \(format1(row.p90)) ms</title></rect>\n"
      out +=
        "<rect x=\"\(left)\" y=\"\(y + 4)\" width=\"\(row.p50 * scale)\" height=\"18\" fill=\"\(color)\"><title>p50 \(format1(row.p50)) ms</title></rect>\n"
      out +=
        "<text x=\"\(left + row.p99 * scale + 6)\" y=\"\(y + 17)\" fill=\"#333\">\(format1(row.p50)) / \(format1(row.p90)) / \(format1(row.p99))</text>\n"
      let attainmentColor =
        row.attainment >= 0.99 ? "#2f855a" : row.attainment >= 0.9 ? "#b7791f" : "#c53030"
      out +=
        "<text x=\"\(width - 20)\" y=\"\(y + 17)\" text-anchor=\"end\" font-weight=\"bold\" fill=\"\(attainmentColor)\">\(format1(row.attainment * 100))%</text>\n"
    }
    let total = max(outcomes.values.reduce(0, +), 1)
    let barTop = top + Double(pools.count) * rowHeight + 50
    out +=
      "<text x=\"20\" y=\"\(barTop - 8)\" fill=\"#555\">Decisions by outcome (\(total))</text>\n"
    var x = 20.0
    let palette = ["placed": "#2f855a", "rejected": "#c53030"]
    for (name, count) in outcomes.sorted(by: { $0.key < $1.key }) {
      let w = (width - 40) * Double(count) / Double(total)
      out +=
        "<rect x=\"\(x)\" y=\"\(barTop)\" width=\"\(w)\" height=\"22\" fill=\"\(palette[name] ?? "#718096")\"><title>\(name.xmlEscaped) \(count)</title></rect>\n"
      if w > 90 {
        out +=
          "<text x=\"\(x + 8)\" y=\"\(barTop + 15)\" fill=\"#fff\">\(name.xmlEscaped) \(count) (\(format1(Double(count) * 100 / Double(total)))%)</text>\n"
      }
      x += w
    }
    return out + "</svg>\n"
  }

  private func niceCeiling(_ value: Double) -> Double {
    var magnitude = 1.0
    while magnitude * 10 < value { magnitude *= 10 }
    for factor in [1.0, 2, 2.5, 5, 10] where magnitude * factor >= value {
      return magnitude * factor
    }
    return magnitude * 10
  }
}
