#!/usr/bin/env bash
# Counts the public types of an assembly per namespace: the types a consumer of the package can name (top-level
# public types and the public types nested in them). Reads the metadata only (System.Reflection.Metadata), so the
# assembly's dependencies need not be present.
#
#   bench/scripts/public-types.sh [DLL=src/Engine/bin/Release/net10.0/WeiPian.Engine.dll]
#
# Build first: dotnet build src/Engine/WeiPian.Engine.csproj -c Release. Prints "count namespace" lines, most first,
# then the total; docs/DESIGN.md § Public API gives the figures before and after issue 18.
set -euo pipefail
cd "$(dirname "$0")/../.."
dll="$(realpath "${1:-src/Engine/bin/Release/net10.0/WeiPian.Engine.dll}")"
[[ -f "$dll" ]] || { echo "public-types.sh: '$dll' does not exist; build the project first" >&2; exit 2; }

# A file-based app outside the repository, so the repository's Directory.Build.props and projects do not claim it.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/PublicTypes.cs" <<'CS'
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

using var pe = new PEReader(File.OpenRead(args[0]));
var md = pe.GetMetadataReader();
var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
foreach (var h in md.TypeDefinitions)
{
    var t = md.GetTypeDefinition(h);
    if (!Exported(t)) continue;
    var top = t;
    while (top.GetDeclaringType() is { IsNil: false } d) top = md.GetTypeDefinition(d);
    var ns = md.GetString(top.Namespace);
    counts[ns] = counts.GetValueOrDefault(ns) + 1;
}
foreach (var (ns, n) in counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
    Console.WriteLine($"{n,4} {ns}");
Console.WriteLine($"{counts.Values.Sum(),4} total");

// Public at the top level, or nested public in a type that is itself exported; compiler-generated types excluded.
bool Exported(TypeDefinition t)
{
    var name = md.GetString(t.Name);
    if (name == "<Module>" || name.Contains('<')) return false;
    var visibility = t.Attributes & TypeAttributes.VisibilityMask;
    if (t.GetDeclaringType().IsNil) return visibility == TypeAttributes.Public;
    return visibility == TypeAttributes.NestedPublic && Exported(md.GetTypeDefinition(t.GetDeclaringType()));
}
CS
(cd "$work" && DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet run PublicTypes.cs -- "$dll")
