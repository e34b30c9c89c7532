# Sourced by the benchmark scripts that build the C library or the Python extension: sets
# `profile`, the cargo profile they build. PROFILE picks it: `dist` (the default: what
# scripts/package ships, fat LTO and one codegen unit) or `release` (quicker to build, and what
# earlier sessions measured: in A/B on these VMs, -2 to 6 % slower per call where a round trip
# wakes an idle CPU, the same warm).
profile=${PROFILE:-dist}
case $profile in
  dist | release) ;;
  *) echo "PROFILE must be dist or release" >&2; exit 2 ;;
esac
