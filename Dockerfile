# Hailing in one container: SIP (UDP/TCP 5060, TLS 5061, WS 8088, WSS 8089), HTTP 8080, RTP range.
#
# The build needs the npm registry and Debian's package mirror, nothing else. @discordjs/opus would
# otherwise download a prebuilt binary from GitHub; here it is compiled from its registry tarball
# (libopus sources included) by node-gyp, against the headers this Node ships in
# /usr/local/include/node (so node-gyp downloads no headers either). argon2 loads the prebuilt
# binaries inside its own tarball; libsql's come as registry packages.
#
# Node 20 on Debian 12 (bookworm), the version `npm test` runs on (package.json `engines`). Both
# stages use the same base: the compiled addon is named after the glibc it was built against.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# node-gyp's toolchain (python3, make, g++)
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# npm 11 honours the `allowScripts` policy in package.json (the image's Node 20 ships npm 10)
RUN npm install -g --no-audit --no-fund npm@11.19.1
ENV npm_config_build_from_source=@discordjs/opus \
    npm_config_nodedir=/usr/local
WORKDIR /app
# .npmrc: onnxruntime-node's install script is skipped (its CPU binaries ship in the package)
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY server ./server
COPY media ./media
# the web console (Vite build into web/dist), served by the same process at /
COPY web ./web
COPY scripts/web-build.mjs ./scripts/
RUN npm run build && npm prune --omit=dev \
 # fail the build here, not at the first Opus call, if the addon did not compile
 && node -e "new (require('@discordjs/opus').OpusEncoder)(48000, 2)"

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HAILING_DATA_DIR=/data \
    HAILING_BIND_ADDRESS=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY package.json ./
COPY migrations ./migrations
# the speech model manifest the installer reads (no weights: models are installed into the data folder)
COPY models ./models
RUN mkdir -p /data && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 5060/udp 5060/tcp 5061/tcp 8088/tcp 8089/tcp 8080/tcp 10000-20000/udp
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.HAILING_HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/server/main.js"]
