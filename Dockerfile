# Two stages: the first compiles the TypeScript, the second runs plain JavaScript on the
# current Node LTS, as a user that owns its data folder, under tini so signals reach Node.

FROM node:26-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY machines ./machines
COPY db ./db
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:26-trixie-slim
# tini is PID 1: it passes SIGTERM from `docker stop` to Node and reaps any child.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini=0.19.* \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 PUBLIC_URL=http://localhost:3000 DATA_DIR=/app/data
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The console's browser code and the typed client it uses: esbuild bundles them in memory
# when the server starts (src/console/bundle.ts); tsc does not compile them to dist/.
COPY --from=build /app/src/console/ui ./src/console/ui
COPY --from=build /app/src/client ./src/client
# The import's schemas, which the console checks CSV files with, and the two modules they use.
COPY --from=build /app/src/http/customer-schemas.ts /app/src/http/api-schema.ts /app/src/http/numbers.ts ./src/http/
# The embedded database (used when DATABASE_URL is unset) writes here.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/server.js"]
