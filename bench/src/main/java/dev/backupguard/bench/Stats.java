package dev.backupguard.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/**
 * The median of repeated measurements and their spread (minimum to maximum), as the results table shows them.
 *
 * @param median the median (the mean of the two middle values for an even count)
 * @param min    the smallest value
 * @param max    the largest value
 * @param n      how many values
 */
public record Stats(double median, double min, double max, int n) {

    public static Stats of(double... values) {
        if (values.length == 0) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        double median = v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
        return new Stats(median, v[0], v[v.length - 1], v.length);
    }

    public static Stats of(Collection<? extends Number> values) {
        return of(values.stream().mapToDouble(Number::doubleValue).toArray());
    }

    /** {@code median (min–max)}, each with {@code decimals} decimals. */
    public String format(int decimals) {
        if (n == 0) {
            return "n/a";
        }
        if (n == 1) {
            return fmt(median, decimals);
        }
        return fmt(median, decimals) + " (" + fmt(min, decimals) + "–" + fmt(max, decimals) + ")";
    }

    static String fmt(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
