import Foundation
import Placement
import PlacementScaling
import Testing

/// The forecasting method on synthetic series with known answers.
@Suite struct ForecasterTests {
  static let holt = ForecastParameters(bucketSeconds: 1, seasonBuckets: 0)

  static func feed(
    _ forecaster: inout HoltWintersForecaster, _ values: [Double], from first: Int64 = 0
  ) {
    for (index, value) in values.enumerated() {
      forecaster.observe(value, bucket: first + Int64(index))
    }
  }

  @Test func nothingSeenForecastsZero() {
    #expect(HoltWintersForecaster().forecast(bucketsAhead: 5) == 0)
  }

  @Test func constantRateForecastsTheConstant() {
    var forecaster = HoltWintersForecaster(parameters: Self.holt)
    Self.feed(&forecaster, Array(repeating: 12.5, count: 40))
    #expect(forecaster.level == 12.5)
    #expect(forecaster.trend == 0)
    #expect(forecaster.forecast(bucketsAhead: 1) == 12.5)
    #expect(forecaster.forecast(bucketsAhead: 30) == 12.5)
  }

  @Test func linearRampIsExtrapolated() {
    // y(k) = 5 + 0.5 k: Holt's method follows a straight line with no lasting error.
    var forecaster = HoltWintersForecaster(parameters: Self.holt)
    Self.feed(&forecaster, (0..<300).map { 5 + 0.5 * Double($0) })
    for ahead in [1, 10, 30] {
      let truth = 5 + 0.5 * Double(299 + ahead)
      #expect(abs(forecaster.forecast(bucketsAhead: ahead) - truth) / truth < 0.01)
    }
    #expect(abs(forecaster.trend - 0.5) < 0.01)
    // The level alone (what a reactive autoscaler sees) lags the ramp by the lead time.
    #expect(forecaster.forecast(bucketsAhead: 30) - forecaster.level > 14)
  }

  @Test func stepConvergesWithinAFewBuckets() {
    var forecaster = HoltWintersForecaster(parameters: Self.holt)
    Self.feed(&forecaster, Array(repeating: 10, count: 50))
    var errors: [Double] = []
    for bucket in 50..<120 {
      forecaster.observe(20, bucket: Int64(bucket))
      errors.append(abs(forecaster.forecast(bucketsAhead: 1) - 20))
    }
    // One bucket after the step the forecast is far off; from the 8th on it stays within 5 %
    // (the trend's overshoot decays), and within 1 % from the 40th.
    #expect(errors[0] > 2)
    #expect(errors[7...].allSatisfy { $0 < 1 })
    #expect(errors[39...].allSatisfy { $0 < 0.2 })
  }

  @Test func dailySineThePeakIsForecastAfterTwoSeasons() {
    // 48 buckets a "day"; the rate peaks at slot 12 (150) and bottoms out at slot 36 (50).
    let season = 48
    func rate(_ k: Int) -> Double { 100 + 50 * sin(2 * Double.pi * Double(k) / Double(season)) }
    let parameters = ForecastParameters(bucketSeconds: 1, seasonBuckets: season)
    var winters = HoltWintersForecaster(parameters: parameters)
    var holt = HoltWintersForecaster(parameters: Self.holt)
    Self.feed(&winters, (0..<(3 * season)).map(rate))
    Self.feed(&holt, (0..<(3 * season)).map(rate))
    #expect(winters.isSeasonal)
    // From the last bucket (143, slot 47), the peak is 13 buckets ahead, the trough 37.
    let peak = winters.forecast(bucketsAhead: 13)
    let trough = winters.forecast(bucketsAhead: 37)
    #expect(abs(peak - 150) < 150 * 0.03)
    #expect(abs(trough - 50) < 50 * 0.06)
    // Without the season, the trend method misses the peak by far.
    #expect(abs(holt.forecast(bucketsAhead: 13) - 150) > 150 * 0.2)
  }

  @Test func aRecurringSpikeIsForecastOneSeasonLater() {
    let season = 60
    func rate(_ k: Int) -> Double { k % season >= 30 && k % season < 35 ? 300 : 100 }
    var forecaster = HoltWintersForecaster(
      parameters: ForecastParameters(bucketSeconds: 1, seasonBuckets: season))
    Self.feed(&forecaster, (0..<(2 * season + 25)).map(rate))
    // Last bucket 144 (slot 24): the spike starts 6 buckets ahead.
    #expect(forecaster.forecast(bucketsAhead: 6) > 250)
    #expect(forecaster.forecast(bucketsAhead: 2) < 130)
  }
}

/// The recommendation's formula and bounds.
@Suite struct RecommendationTests {
  @Test func formulaOnExactNumbers() {
    // 20/s x 350 ms = 7 busy slots; 8 slots x 0.7 = 5.6 per endpoint; 7 / 5.6 = 1.25 -> 2.
    #expect(
      PoolScalingSignal.recommendedEndpoints(
        ratePerSecond: 20, meanServiceMs: 350, capacityPerEndpoint: 8, targetUtilization: 0.7,
        minimum: 0, maximum: nil) == 2)
    // 16/s x 350 ms = 5.6 slots: exactly one endpoint, not two (no float rounding up).
    #expect(
      PoolScalingSignal.recommendedEndpoints(
        ratePerSecond: 16, meanServiceMs: 350, capacityPerEndpoint: 8, targetUtilization: 0.7,
        minimum: 0, maximum: nil) == 1)
    // 100/s x 120 ms = 12 slots; 4 x 0.5 = 2 per endpoint -> 6.
    #expect(
      PoolScalingSignal.recommendedEndpoints(
        ratePerSecond: 100, meanServiceMs: 120, capacityPerEndpoint: 4, targetUtilization: 0.5,
        minimum: 0, maximum: nil) == 6)
    #expect(
      PoolScalingSignal.recommendedEndpoints(
        ratePerSecond: 0, meanServiceMs: 120, capacityPerEndpoint: 4, targetUtilization: 0.5,
        minimum: 0, maximum: nil) == 0)
  }

  @Test func clampedToTheBounds() {
    func recommend(_ rate: Double, _ minimum: Int, _ maximum: Int?) -> Int {
      PoolScalingSignal.recommendedEndpoints(
        ratePerSecond: rate, meanServiceMs: 100, capacityPerEndpoint: 1, targetUtilization: 1,
        minimum: minimum, maximum: maximum)
    }
    #expect(recommend(1, 3, 8) == 3)
    #expect(recommend(500, 3, 8) == 8)
    #expect(recommend(50, 3, 8) == 5)
    #expect(recommend(50, 5, 5) == 5)
    #expect(recommend(1_000_000, 0, nil) == 100_000)
  }
}
