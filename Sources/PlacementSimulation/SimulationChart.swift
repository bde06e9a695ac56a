#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Draws a comparison as a stand-alone SVG: on the left each variant's latency by percentile
/// (log scales, so medians and tails both show), on the right each endpoint's utilization per
/// variant as a shaded grid with the figures written in.
public enum SimulationChart {
  private static let palette = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#7f7f7f", "#bcbd22",
  ]

  /// The SVG document for `reports`.
  public static func svg(_ reports: [VariantReport], title: String = "placement simulate")
    -> String
  {
    let endpoints = reports.first?.utilization.map(\.endpoint) ?? []
    let plot = (x: 70.0, y: 60.0, width: 460.0, height: 300.0)
    let gridX = 640.0
    let cell = (width: max(44.0, min(70.0, 420.0 / Double(max(reports.count, 1)))), height: 22.0)
    let legendTop = plot.y + plot.height + 50
    let height = max(
      legendTop + Double(reports.count) * 20 + 20,
      plot.y + 40 + Double(endpoints.count) * cell.height + 60)
    let width = gridX + 110 + Double(reports.count) * cell.width + 20
    var svg = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
      viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" \
      font-size="12">
      <rect width="100%" height="100%" fill="white"/>
      <text x="\(Int(plot.x))" y="24" font-size="16" font-weight="bold">\(title.xmlEscaped)</text>
      <text x="\(Int(plot.x))" y="\(Int(plot.y - 12))" font-weight="bold">Latency by percentile (ms, log scale)</text>
      <text x="\(Int(gridX))" y="\(Int(plot.y - 12))" font-weight="bold">Utilization: busy slots / capacity over the duration</text>

      """
    // Latency axes: x = log10(1 / (1 - p)) from p = 0 to 99.9 %, y = log10(latency).
    let positive = reports.flatMap { $0.latency.quantiles.dropLast() }.filter {
      $0.isFinite && $0 > 0
    }
    let low = pow(10, floor(log10(positive.min() ?? 1)))
    let high = pow(10, ceil(log10(max(positive.max() ?? 10, low * 10))))
    func xOf(_ p: Double) -> Double { plot.x + min(3, log10(1 / (1 - p))) / 3 * plot.width }
    func yOf(_ ms: Double) -> Double {
      plot.y + plot.height - (log10(ms) - log10(low)) / (log10(high) - log10(low)) * plot.height
    }
    svg += rect(plot.x, plot.y, plot.width, plot.height, fill: "none", stroke: "#999")
    for (p, label) in [(0.0, "0"), (0.5, "50%"), (0.9, "90%"), (0.99, "99%"), (0.999, "99.9%")] {
      let x = xOf(p)
      svg += line(x, plot.y, x, plot.y + plot.height, stroke: "#e5e5e5")
      svg += text(x, plot.y + plot.height + 16, label, anchor: "middle")
    }
    svg += text(plot.x + plot.width / 2, plot.y + plot.height + 34, "percentile", anchor: "middle")
    var decade = low
    while decade <= high * 1.0001 {
      let y = yOf(decade)
      svg += line(plot.x, y, plot.x + plot.width, y, stroke: "#e5e5e5")
      svg += text(plot.x - 6, y + 4, format(decade), anchor: "end")
      decade *= 10
    }
    for (index, report) in reports.enumerated() {
      let color = palette[index % palette.count]
      var points: [String] = []
      for (p, ms) in zip(LatencySummary.quantileProbabilities, report.latency.quantiles)
      where p < 1 && ms.isFinite && ms > 0 {
        points.append("\(fixed(xOf(p))),\(fixed(yOf(ms)))")
      }
      if !points.isEmpty {
        svg += """
          <polyline fill="none" stroke="\(color)" stroke-width="2" points="\(points.joined(separator: " "))"/>

          """
      }
      let y = legendTop + Double(index) * 20
      svg += rect(plot.x, y - 10, 12, 12, fill: color, stroke: "none")
      let summary =
        "\(report.variant): p50 \(format(report.latency.p50)) ms, p99 "
        + "\(format(report.latency.p99)) ms, within budget \(percent(report.budgetAttainment))"
      svg += text(plot.x + 18, y, summary, anchor: "start")
    }
    // Utilization grid: one row per endpoint, one column per variant.
    for (index, _) in reports.enumerated() {
      let x = gridX + 110 + Double(index) * cell.width
      svg += rect(
        x + cell.width / 2 - 6, plot.y, 12, 12, fill: palette[index % palette.count],
        stroke: "none")
      svg += text(x + cell.width / 2, plot.y + 28, "#\(index + 1)", anchor: "middle")
    }
    for (row, endpoint) in endpoints.enumerated() {
      let y = plot.y + 40 + Double(row) * cell.height
      svg += text(gridX + 104, y + 15, endpoint, anchor: "end")
      for (column, report) in reports.enumerated() {
        let share = report.utilization.first { $0.endpoint == endpoint }?.share ?? 0
        let x = gridX + 110 + Double(column) * cell.width
        let shade = max(0, min(1, share))
        let fill =
          "rgb(\(Int(255 - 225 * shade)),\(Int(255 - 155 * shade)),\(Int(255 - 75 * shade)))"
        svg += rect(x, y, cell.width - 2, cell.height - 2, fill: fill, stroke: "none")
        svg += text(
          x + cell.width / 2 - 1, y + 15, percent(share), anchor: "middle",
          fill: shade > 0.55 ? "white" : "black")
      }
    }
    return svg + "</svg>\n"
  }

  private static func rect(
    _ x: Double, _ y: Double, _ width: Double, _ height: Double, fill: String, stroke: String
  ) -> String {
    """
    <rect x="\(fixed(x))" y="\(fixed(y))" width="\(fixed(width))" height="\(fixed(height))" fill="\(fill)" stroke="\(stroke)"/>

    """
  }

  private static func line(
    _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String
  ) -> String {
    """
    <line x1="\(fixed(x1))" y1="\(fixed(y1))" x2="\(fixed(x2))" y2="\(fixed(y2))" stroke="\(stroke)"/>

    """
  }

  private static func text(
    _ x: Double, _ y: Double, _ content: String, anchor: String, fill: String = "black"
  ) -> String {
    """
    <text x="\(fixed(x))" y="\(fixed(y))" text-anchor="\(anchor)" fill="\(fill)">\(content.xmlEscaped)</text>

    """
  }

  private static func fixed(_ value: Double) -> String {
    let rounded = (value * 10).rounded() / 10
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
  }

  /// A latency in a short form: `0.5`, `12`, `1200`.
  static func format(_ ms: Double) -> String {
    guard ms.isFinite else { return "-" }
    if ms >= 100 { return String(Int(ms.rounded())) }
    if ms >= 10 { return String((ms * 10).rounded() / 10) }
    return String((ms * 100).rounded() / 100)
  }

  private static func percent(_ share: Double) -> String {
    guard share.isFinite else { return "-" }
    return String((share * 1000).rounded() / 10) + "%"
  }
}
