# The emulator as an image, built from this folder: docs/run-without-cloning.md.
#   docker build -t async-status-emulator .
#   docker run --rm -p 8080:8080 -v ase-data:/data async-status-emulator
# Docker does not run in CI: `npm run check:docker` lints this file, and .ci/package-check.sh runs the
# same layout (the packed tarball installed with production dependencies into an empty folder).

# Build stage: compile and pack exactly what `npm pack` ships (package.json "files").
FROM node:24.14.0-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: the build needs only TypeScript, and npm pack's prepare step builds once.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json README.md ./
COPY bin ./bin
COPY docs ./docs
COPY src ./src
COPY wsdl ./wsdl
RUN npm pack --pack-destination /pack

# Runtime stage: the packed package and its production dependencies, no sources, run as node.
FROM node:24.14.0-bookworm-slim
# tini as PID 1 forwards SIGTERM to node and reaps children, so plain `docker run` stops cleanly.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /pack/ /tmp/pack/
RUN npm init -y > /dev/null \
  && npm install --omit=dev --no-audit --no-fund /tmp/pack/async-status-emulator-*.tgz \
  && npm cache clean --force \
  && rm -rf /tmp/pack \
  && mkdir /data \
  && chown node:node /data
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/data
VOLUME ["/data"]
USER node
EXPOSE 8080
# Healthy once the database answers and its migrations are current; a first start on PGlite takes about 8 s.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/node_modules/async-status-emulator/bin/async-status-emulator.js"]
CMD ["serve"]
