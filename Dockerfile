# The search server and the indexer CLI, compiled (npm run build → dist/) and run with plain node.
# Stage 1 builds with the dev dependencies; the final image holds production dependencies only,
# runs as the unprivileged `node` user, and reports its health from /healthz.
# The bundled engine binary (an optional dependency) stays out: compose runs the official image.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Optional dependencies stay in this stage: esbuild's platform binary is one of them.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.ts scripts/
COPY core core
COPY server server
COPY indexer indexer
COPY widget widget
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
# The launcher that sets the V8 heap limit from the container's memory (NODE_HEAP_MB overrides).
COPY bin bin
# The demo article: the default ARTICLES_DIR (compose mounts the real folder over it).
COPY articles articles
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=5 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["sh", "bin/start.sh"]
