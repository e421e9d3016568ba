# syntax=docker/dockerfile:1
# One image per service, from one file: `docker build --target renderer .` (or through
# docker-compose.yml). Multi-stage: dependencies and the build happen in the full image, each
# runtime stage carries only its service's production dependencies and built JavaScript.
#
# node:20.19-bookworm: Node 20 is the version this project is built and tested on (engines:
# >=20.19), and Debian 12 (bookworm) is the glibc distribution every native dependency ships
# prebuilt binaries for (@sparticuz/chromium, @duckdb/node-api, sharp) and where
# better-sqlite3 compiles. The tag is pinned to the minor version so patch releases bring security
# fixes while the runtime stays what CI tested.

FROM node:20.19-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY shared/package.json shared/
COPY infra/package.json infra/
COPY testing/package.json testing/
COPY services/export-api/package.json services/export-api/
COPY services/report-builder/package.json services/report-builder/
COPY services/renderer/package.json services/renderer/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY shared shared
COPY infra infra
COPY testing testing
COPY services services
RUN npm run build

# The manifests each service's production dependencies are installed from; each *-deps stage
# below installs one workspace's, compiled where needed (better-sqlite3) in the full image.
# npm puts a package in the workspace's own node_modules when the root already holds another
# version of it (p-limit for export-api): each runtime stage copies both folders.
FROM node:20.19-bookworm AS deps
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json /app/.npmrc ./
COPY --from=build /app/shared/package.json shared/
COPY --from=build /app/infra/package.json infra/
COPY --from=build /app/testing/package.json testing/
COPY --from=build /app/services/export-api/package.json services/export-api/
COPY --from=build /app/services/report-builder/package.json services/report-builder/
COPY --from=build /app/services/renderer/package.json services/renderer/

FROM node:20.19-bookworm-slim AS runtime
ENV NODE_ENV=production
# /app belongs to the service's user: WORKDIR makes it root's under Docker's builder, and
# export-api's default store (data/) is created beside the code.
RUN install -d -o node -g node /app
WORKDIR /app
# The image's unprivileged user (uid 1000); nothing runs as root.
USER node

FROM deps AS export-api-deps
RUN npm ci --omit=dev --no-audit --no-fund --workspace @wevion/export-api \
  && mkdir -p services/export-api/node_modules

FROM runtime AS export-api
COPY --from=export-api-deps --chown=node:node /app/node_modules node_modules
COPY --from=export-api-deps --chown=node:node /app/services/export-api/node_modules services/export-api/node_modules
COPY --from=build --chown=node:node /app/services/export-api/dist services/export-api/dist
COPY --from=build --chown=node:node /app/services/export-api/web/index.html /app/services/export-api/web/styles.css services/export-api/web/
COPY --from=build --chown=node:node /app/services/export-api/web/dist services/export-api/web/dist
ENV PORT=8080 OPS_PORT=8083 OPS_HOST=0.0.0.0
EXPOSE 8080 8083
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.OPS_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself (it drains and exits within 30 s).
CMD ["node", "--enable-source-maps", "services/export-api/dist/main.js"]

FROM deps AS report-builder-deps
RUN npm ci --omit=dev --no-audit --no-fund --workspace @wevion/report-builder \
  && mkdir -p services/report-builder/node_modules

FROM runtime AS report-builder
COPY --from=report-builder-deps --chown=node:node /app/node_modules node_modules
COPY --from=report-builder-deps --chown=node:node /app/services/report-builder/node_modules services/report-builder/node_modules
COPY --from=build --chown=node:node /app/services/report-builder/dist services/report-builder/dist
ENV OPS_PORT=8081 OPS_HOST=0.0.0.0
# Two malloc arenas: DuckDB's threads and libuv's would otherwise each keep an arena of freed
# memory (up to 16 on 2 cores): peaks of 267-331 MB became 255-274 MB in bench:csv (issue 25).
# DuckDB's own allocator (jemalloc, read from DUCKDB_JE_MALLOC_CONF) returns the pages it purges
# at once instead of leaving them lazily freed, still counted in the process's memory, and keeps
# one arena instead of four per core, each with its own freed memory: 12-20 MB lower peaks on
# 2 cores at no measurable cost in time (issue 25).
ENV MALLOC_ARENA_MAX=2 DUCKDB_JE_MALLOC_CONF=muzzy_decay_ms:0,narenas:1
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.OPS_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# No allocation-site pretenuring: after a few export batches V8 judged the rows' objects
# long-lived and allocated them straight into the old generation, which then grew by 85 MB of
# garbage per 90-day CSV and was collected in full a dozen times. Without it the old generation
# stays within 5 MB of its live size and the conversion runs 15 % faster (issue 25).
# A young generation of 8 MB semi-spaces (16 by default): with exports handed on in batches of
# 256 groups little survives each pass, so half the space costs no time and about 20 MB less
# memory. An old generation of at most 96 MB (about 30 MB live between exports): by default
# V8 let it grow to twice that with what each export left over before collecting it, which
# made report-builder's peak climb by about 15 MB over ten exports (issue 25). 64 and 80 MB
# held it lower still, but their collections cost about a tenth more CPU per export.
# `npm start` and the benchmarks run this same command line and allocator settings.
CMD ["node", "--no-allocation-site-pretenuring", "--max-semi-space-size=8", "--max-old-space-size=96", "--enable-source-maps", "services/report-builder/dist/main.js"]

FROM deps AS renderer-deps
RUN npm ci --omit=dev --no-audit --no-fund --workspace @wevion/renderer \
  && mkdir -p services/renderer/node_modules

FROM runtime AS renderer
# The shared libraries @sparticuz/chromium links against and bookworm-slim lacks (without them
# Chromium cannot start and /readyz answers 503): NSS, NSPR and expat.
USER root
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libnss3 libnspr4 libexpat1 \
  && rm -rf /var/lib/apt/lists/*
USER node
COPY --from=renderer-deps --chown=node:node /app/node_modules node_modules
COPY --from=renderer-deps --chown=node:node /app/services/renderer/node_modules services/renderer/node_modules
COPY --from=build --chown=node:node /app/services/renderer/dist services/renderer/dist
COPY --from=build --chown=node:node /app/services/renderer/templates services/renderer/templates
# Chromium comes with @sparticuz/chromium (a self-contained build, unpacked to /tmp at first
# launch) and the report fonts from @fontsource packages, embedded in each PDF: nothing is
# fetched at run time. Unpack it now so the first job does not pay for it.
RUN node -e "import('@sparticuz/chromium').then(m=>m.default.executablePath()).then(p=>console.log('Chromium at',p))"
ENV OPS_PORT=8082 OPS_HOST=0.0.0.0
EXPOSE 8082
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.OPS_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# A fixed V8 budget: streamed exports make short-lived garbage (decompressed chunks, row
# strings) and V8's defaults let it grow the heap and its buffers to ~300 MB before collecting.
# 4 MB semi-spaces and a 160 MB old space keep the process near 230 MB at any row count (2 MB
# saved 10 MB more but cost a 90-day CSV 0.5 s in scavenges: bench:csv, issue 25).
# `npm start` and the benchmarks run this same command line (infra/src/services.ts reads it).
CMD ["node", "--max-semi-space-size=4", "--max-old-space-size=160", "--enable-source-maps", "services/renderer/dist/main.js"]

# One-shot jobs of docker-compose.yml (provisioning, seeding): the full toolchain and sources.
FROM build AS tools
USER node
CMD ["node", "--version"]
