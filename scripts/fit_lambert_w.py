#!/usr/bin/python3
"""Coefficients of src/vector_math.h's W0 on [-1/e, 0] (docs/model.md section 5.1).

Prints the branch-point series in p = sqrt(2 (e z + 1)) as exact fractions (from
the recurrence of Corless et al. 1996, section 4) and the degree-10 least-squares
Chebyshev fit of W0(p) on [0, sqrt 2] in monomial form, with its maximum error
against mpmath at 40 digits. Needs Debian's python3-mpmath and python3-numpy.
"""
from fractions import Fraction

import mpmath
import numpy as np

SERIES_TERMS = 12
FIT_DEGREE = 10
FIT_NODES = 400


def branch_series(terms):
    """mu_0..mu_{terms-1}: W0 = sum mu_k p^k around z = -1/e."""
    mu = [Fraction(-1), Fraction(1)]
    alpha = [Fraction(2), Fraction(-1)]
    for k in range(2, terms):
        alpha.append(sum((mu[j] * mu[k + 1 - j] for j in range(2, k)), Fraction(0)))
        mu.append(Fraction(k - 1, k + 1) * (mu[k - 2] / 2 + alpha[k - 2] / 4)
                  - alpha[k] / 2 - mu[k - 1] / (k + 1))
    return mu


def w0_of_p(p):
    return float(mpmath.lambertw((mpmath.mpf(p) ** 2 / 2 - 1) / mpmath.e).real)


def main():
    mpmath.mp.dps = 40
    print("branch series, p^0 first:")
    for k, mu in enumerate(branch_series(SERIES_TERMS)):
        print(f"  p^{k}: {mu}")
    top = float(mpmath.sqrt(2))
    nodes = (np.cos(np.pi * (np.arange(FIT_NODES) + 0.5) / FIT_NODES) + 1) / 2 * top
    fit = np.polynomial.chebyshev.Chebyshev.fit(
        nodes, [w0_of_p(p) for p in nodes], FIT_DEGREE, domain=[0, top])
    monomial = fit.convert(kind=np.polynomial.Polynomial, domain=[0, top], window=[0, top])
    print("fit, highest power first (Horner order):")
    for c in monomial.coef[::-1]:
        print(f"  {float(c)!r},")
    check = np.linspace(0, top, 5001)
    error = max(abs(monomial(p) - w0_of_p(p)) for p in check)
    print(f"maximum error of the fit on 5001 points: {error:.3g}")


if __name__ == "__main__":
    main()
