// The e-RS code systems, profiles and limits live in the ers-contract package (bundle-safe: constants
// only); this re-export keeps the features' existing '../ers/constants' imports working.
export * from 'ers-contract';
