package io.featuremon.stats.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowKernel} on 256-bit vectors: the four lanes are the four partial sums. It takes only ranges whose ends
 * are multiples of 4 (so that lane l holds rows ≡ l mod 4), and holds no scalar loop: a ragged end inlined into
 * these methods made C2 give up inlining the vector operations themselves (measured 2.5× slower).
 *
 * <p>Only {@code add} and {@code mul}: with {@code sub} in the update, the four-column kernel ran 2.5–3.5× slower
 * whenever {@link #scatterAndDot} (add and mul only) had been compiled first, as it is in every reduction, which made
 * C2's profile of the Vector API's shared binary-operation dispatch miss the subtraction (measured: 2.8 against 0.74
 * ns an element). The update adds the negated factors instead (see {@link RowKernel#updateScatterAndDot4}).
 */
final class VectorRowKernel implements RowKernel {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;

  @Override
  public void updateScatterAndDot4(double[] a, int n, int j, int from, int to, double[] u, double[] w, double[] v,
      double[] p, double[] sums) {
    int ca = j * n;
    int cb = ca + n;
    int cc = cb + n;
    int cd = cc + n;
    double ua = -u[j];
    double ub = -u[j + 1];
    double uc = -u[j + 2];
    double ud = -u[j + 3];
    double wa = -w[j];
    double wb = -w[j + 1];
    double wc = -w[j + 2];
    double wd = -w[j + 3];
    double va = v[j];
    double vb = v[j + 1];
    double vc = v[j + 2];
    double vd = v[j + 3];
    DoubleVector sa = DoubleVector.fromArray(S, sums, 0);
    DoubleVector sb = DoubleVector.fromArray(S, sums, 4);
    DoubleVector sc = DoubleVector.fromArray(S, sums, 8);
    DoubleVector sd = DoubleVector.fromArray(S, sums, 12);
    int i = from;
    for (; i + 4 <= to; i += 4) {
      DoubleVector wv = DoubleVector.fromArray(S, w, i);
      DoubleVector uv = DoubleVector.fromArray(S, u, i);
      DoubleVector xv = DoubleVector.fromArray(S, v, i);
      DoubleVector ea = DoubleVector.fromArray(S, a, ca + i).add(wv.mul(ua).add(uv.mul(wa)));
      DoubleVector eb = DoubleVector.fromArray(S, a, cb + i).add(wv.mul(ub).add(uv.mul(wb)));
      DoubleVector ec = DoubleVector.fromArray(S, a, cc + i).add(wv.mul(uc).add(uv.mul(wc)));
      DoubleVector ed = DoubleVector.fromArray(S, a, cd + i).add(wv.mul(ud).add(uv.mul(wd)));
      ea.intoArray(a, ca + i);
      eb.intoArray(a, cb + i);
      ec.intoArray(a, cc + i);
      ed.intoArray(a, cd + i);
      DoubleVector.fromArray(S, p, i).add(ea.mul(va)).add(eb.mul(vb)).add(ec.mul(vc)).add(ed.mul(vd))
          .intoArray(p, i);
      sa = ea.mul(xv).add(sa);
      sb = eb.mul(xv).add(sb);
      sc = ec.mul(xv).add(sc);
      sd = ed.mul(xv).add(sd);
    }
    sa.intoArray(sums, 0);
    sb.intoArray(sums, 4);
    sc.intoArray(sums, 8);
    sd.intoArray(sums, 12);
  }

  @Override
  public void scatterAndDot(double[] a, int column, int from, int to, double[] x, double xc, double[] p,
      double[] sums) {
    int i = from;
    DoubleVector s = DoubleVector.fromArray(S, sums, 0);
    for (; i + 4 <= to; i += 4) {
      DoubleVector v = DoubleVector.fromArray(S, a, column + i);
      DoubleVector.fromArray(S, p, i).add(v.mul(xc)).intoArray(p, i);
      s = v.mul(DoubleVector.fromArray(S, x, i)).add(s);
    }
    s.intoArray(sums, 0);
  }
}
