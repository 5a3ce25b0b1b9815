# relaymesh: one image for the four apps (each Deployment picks its entry point) and the migration Job.
# Multi-stage: build with dev dependencies, run with production dependencies only, as a non-root user.
#   docker build -t relaymesh:0.1.0 .
#   docker run -p 8080:8080 relaymesh:0.1.0 node dist/embedded/main.js   # everything in one process
# The Node that .ci/run tests on (NODE_VERSION there); test/deploy checks that the two agree.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY .swcrc tsconfig.json ./
COPY scripts ./scripts
COPY libs ./libs
COPY apps ./apps
COPY embedded ./embedded
COPY bench ./bench
COPY console ./console
RUN node scripts/build.js

FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional keeps the test-only optional dependencies out (Claude Code's native binary, ~200 MB); the
# runtime dependencies need none of theirs (test/deploy lists which ones are left out and why).
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
# A young generation of at most 2 × 8 MB in every app (V8's default grew to 2 × 32 MB, ~100 MB of the embedded
# process's peak; on a quiet machine it costs 3-19% more CPU per request: README "Memory"); the k8s manifests
# repeat it in their NODE_OPTIONS.
ENV NODE_OPTIONS=--max-semi-space-size=8
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json relaymesh.example.yaml ./
# The image's own `node` user (uid 1000); Kubernetes also enforces runAsNonRoot with this uid.
USER 1000:1000
EXPOSE 8080
# Node handles SIGTERM itself (graceful drain, then exit 0), so no init process is needed.
CMD ["node", "dist/apps/ingress/src/main.js"]
