using System.Text.RegularExpressions;

namespace AaiProxy.Groups;

/// <summary>Role names the proxy knows without configuration. Others come from <see cref="RoleCatalog"/>.</summary>
public static class GroupRoles
{
    /// <summary>Held by every membership; never stored in a <see cref="RoleSet"/> (the membership itself is it).</summary>
    public const string Member = "member";
    public const string Manager = "manager";
    public const string PrincipalInvestigator = "pi";
    public const string CoProposer = "co-proposer";
    public const string LocalContact = "local-contact";
    public const string DataAccess = "data-access";
}

/// <summary>
/// The roles a membership holds besides <see cref="GroupRoles.Member"/>: distinct, sorted, compared by
/// value. Role names are lower-case tokens, so they never need escaping inside an entitlement.
/// </summary>
public sealed partial class RoleSet : IEquatable<RoleSet>
{
    private readonly EquatableArray<string> _roles;

    private RoleSet(IEnumerable<string> roles) => _roles = new EquatableArray<string>(roles);

    public static RoleSet None { get; } = new([]);

    /// <summary>Builds a set from role names; <c>member</c> is dropped (implied), an invalid name throws.</summary>
    public static RoleSet Of(params IEnumerable<string> roles)
    {
        var names = roles.ToList();
        foreach (var name in names.Where(name => !IsValidName(name)))
            throw new ArgumentException($"'{name}' is not a role name (lower-case letters, digits and '-', starting with a letter).", nameof(roles));
        return new RoleSet(names.Where(name => name != GroupRoles.Member).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }

    public static bool IsValidName(string name) => RoleName().IsMatch(name);

    public IReadOnlyList<string> Roles => _roles;

    public bool Contains(string role) => role == GroupRoles.Member || _roles.Contains(role);

    /// <summary><c>member</c> first, then the other roles in order: the order of entitlement values and of the <c>proposals</c> claim's roles.</summary>
    public IEnumerable<string> WithMember() => _roles.Prepend(GroupRoles.Member);

    public RoleSet Union(RoleSet other) => Of(_roles.Concat(other._roles));

    public bool Equals(RoleSet? other) => other is not null && _roles.Equals(other._roles);

    public override bool Equals(object? obj) => Equals(obj as RoleSet);

    public override int GetHashCode() => _roles.GetHashCode();

    public override string ToString() => string.Join(',', WithMember());

    [GeneratedRegex("^[a-z][a-z0-9-]{0,63}$")]
    private static partial Regex RoleName();
}

/// <summary>The roles a deployment allows; imports and the API refuse any other name.</summary>
public sealed class RoleCatalog(IEnumerable<string> configuredRoles)
{
    private readonly HashSet<string> _known = new(
        configuredRoles.Concat([GroupRoles.Member, GroupRoles.Manager]), StringComparer.Ordinal);

    /// <summary>The roles the issue names: member, manager, pi, co-proposer, local-contact, data-access.</summary>
    public static RoleCatalog Default { get; } = new(
        [GroupRoles.PrincipalInvestigator, GroupRoles.CoProposer, GroupRoles.LocalContact, GroupRoles.DataAccess]);

    public bool IsKnown(string role) => _known.Contains(role);
}
