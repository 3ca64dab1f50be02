# EdgeMeta server image: built from the same project the README's `dotnet run` uses.
FROM mcr.microsoft.com/dotnet/sdk:10.0-alpine AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY MetaServer.Domain/MetaServer.Domain.csproj MetaServer.Domain/
COPY MetaServer.Data/MetaServer.Data.csproj MetaServer.Data/
COPY MetaServer.Api/MetaServer.Api.csproj MetaServer.Api/
RUN dotnet restore MetaServer.Api/MetaServer.Api.csproj -r linux-musl-x64
COPY MetaServer.Domain/ MetaServer.Domain/
COPY MetaServer.Data/ MetaServer.Data/
COPY MetaServer.Api/ MetaServer.Api/
RUN dotnet publish MetaServer.Api/MetaServer.Api.csproj -c Release -r linux-musl-x64 --self-contained false --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0-alpine AS runtime
WORKDIR /app
COPY --from=build /app ./
# The database lives on a volume owned by the image's non-root user.
RUN mkdir -p /var/lib/edgemeta && chown app:app /var/lib/edgemeta
USER app
ENV Storage__Path=/var/lib/edgemeta/edgemeta.db \
    Kestrel__Endpoints__Http__Url=http://0.0.0.0:10550 \
    Security__AllowInsecureHttp=true
EXPOSE 10550
VOLUME ["/var/lib/edgemeta"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD wget -qO- http://127.0.0.1:10550/readyz >/dev/null || exit 1
ENTRYPOINT ["dotnet", "MetaServer.Api.dll"]
