/// The smoothing constants and time grid of a ``HoltWintersForecaster``.
///
/// Arrivals are counted in buckets of ``bucketSeconds``; each closed bucket's rate (count /
/// width) is one observation. The defaults suit a daemon: one-minute buckets and a daily season
/// of 1440 buckets.
///
/// - ``alpha`` (level, 0.5): how fast the level follows a new observation. High enough to track
///   a step within a few buckets, low enough to halve Poisson noise.
/// - ``beta`` (trend, 0.05): how fast the trend (rate change per bucket) follows the level's
///   changes. Low, because the trend is multiplied by the lead time: a noisy trend would
///   extrapolate noise.
/// - ``gamma`` (season, 0.3): how fast a season slot follows what the same time of the previous
///   seasons saw; 0.3 averages about three seasons, so a recurring spike is remembered and a
///   one-off one fades.
/// - ``seasonBuckets`` (1440): buckets per season (one day of one-minute buckets); 0 turns the
///   seasonal part off, leaving Holt's linear trend method.
public struct ForecastParameters: Sendable, Hashable {
  /// Level smoothing, in `(0, 1]`.
  public var alpha: Double
  /// Trend smoothing, in `[0, 1]`.
  public var beta: Double
  /// Seasonal smoothing, in `[0, 1]`.
  public var gamma: Double
  /// The width of one observation bucket, in seconds (> 0).
  public var bucketSeconds: Double
  /// Buckets per season (a day); 0 for no seasonality (Holt's linear trend).
  public var seasonBuckets: Int

  /// Creates parameters; the defaults are one-minute buckets and a daily season.
  public init(
    alpha: Double = 0.5, beta: Double = 0.05, gamma: Double = 0.3, bucketSeconds: Double = 60,
    seasonBuckets: Int = 1440
  ) {
    self.alpha = alpha
    self.beta = beta
    self.gamma = gamma
    self.bucketSeconds = bucketSeconds
    self.seasonBuckets = seasonBuckets
  }
}
