# syntax=docker/dockerfile:1
# Partner Connect bot image: `docker build -t partner-connect .`, then
# `docker run -p 3978:3978 --env-file .env -v pc-data:/app/data partner-connect`.

# Stage 1: production dependencies only (no test, lint or type tooling). The workspace package
# packages/embedded-mongo must be present for `npm ci` to link it.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages ./packages
# Fixes to dependencies, applied by patch-package in postinstall (see patches/README.md).
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund

# Stage 2: the runtime. The bot runs TypeScript through tsx (a production dependency), so
# there is no build step; only the sources the bot loads are copied.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3978 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json index.ts app.ts app-modules.ts ./
COPY packages ./packages
COPY bot ./bot
COPY cards ./cards
COPY config ./config
COPY dialogs ./dialogs
COPY domain ./domain
COPY graph ./graph
COPY i18n ./i18n
COPY logging ./logging
COPY models ./models
COPY notifications ./notifications
COPY observability ./observability
COPY web ./web
COPY server ./server
COPY ops ./ops
COPY scripts ./scripts
COPY manifest ./manifest
COPY tab ./tab
# The personal tab's bundle (esbuild, a dependency): served from out/tab, nothing from a CDN.
RUN node --import tsx scripts/build-tab.ts
# The embedded database and mail files when MONGODB_URI is unset: keep them on a volume.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3978)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--import", "tsx", "index.ts"]
