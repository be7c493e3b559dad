#!/usr/bin/env bash
# The consumer test: NetGen as a user gets it. Packs the solution into a local folder, creates a fresh
# console app outside the repository that references the NetGen package from it, builds it with the
# strictest settings (warnings as errors, nullable, AnalysisLevel latest-all, XML docs), runs it (train,
# checkpoint round trip, checks), then publishes it with Native AOT (zero trim or AOT warnings allowed),
# runs the native binary and reports its size and start-up time.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# a version of its own, so no package cached by an earlier run is taken instead
suffix="consumer.$(date +%Y%m%d%H%M%S)"
echo "== dotnet pack NetGen.sln (version suffix $suffix) =="
dotnet pack "$root/NetGen.sln" -c Release -o "$work/feed" -p:VersionSuffix="$suffix" --nologo -v quiet
package=$(ls "$work/feed"/NetGen.*.nupkg)
version=$(basename "$package" .nupkg); version=${version#NetGen.}
[ "$(ls "$work/feed" | grep -c '\.nupkg$')" -eq 1 ] || { echo "pack made more than the NetGen package:"; ls "$work/feed"; exit 1; }
unzip -l "$package" | awk 'NR > 3 && $4 != "" && $4 != "----" { print "  " $4 }'

app="$work/app"
mkdir -p "$app"
cp "$root/tests/consumer/"*.cs "$app/"
cat > "$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="netgen" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML
cat > "$app/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <AnalysisLevel>latest-all</AnalysisLevel>
    <GenerateDocumentationFile>true</GenerateDocumentationFile>
    <InvariantGlobalization>true</InvariantGlobalization>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="NetGen" Version="$version" />
  </ItemGroup>
</Project>
XML

echo "== build the consumer against NetGen $version (warnings as errors, latest-all) =="
dotnet build "$app" -c Release --nologo 2>&1 | tee "$work/build.log" | grep -E "warning|error|Build succeeded" || true
grep -q "Build succeeded" "$work/build.log" || exit 1

echo "== run it =="
dotnet "$app/bin/Release/net10.0/Consumer.dll"

echo "== publish with Native AOT =="
dotnet publish "$app" -c Release -r linux-x64 -p:PublishAot=true --nologo -o "$work/native" 2>&1 | tee "$work/publish.log" | grep -E "warning|error" || true
if grep -qE "warning (IL|AOT)[0-9]+" "$work/publish.log"; then echo "Native AOT publish gave trim or AOT warnings"; exit 1; fi
[ -x "$work/native/Consumer" ] || { echo "no native binary"; exit 1; }
"$work/native/Consumer"

size=$(stat -c %s "$work/native/Consumer")
times=()
for _ in 1 2 3 4 5 6 7 8 9 10 11; do
    start=$(date +%s%N); "$work/native/Consumer" --startup; end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 6p)
echo "== native binary: $(( size / 1024 )) KiB; process start to first prediction and exit: median ${median} us of 11 runs =="
