using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AaiProxy.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IdentityCore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_UpstreamLinks_Protocol_Issuer_Subject",
                table: "UpstreamLinks");

            migrationBuilder.AddColumn<string>(
                name: "PreferredUsername",
                table: "CommunityAccounts",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            // Accounts created before usernames existed get a unique placeholder, never reassigned.
            migrationBuilder.Sql("""
                UPDATE "CommunityAccounts" SET "PreferredUsername" = 'user-' || lower(hex(randomblob(8)));
                """);

            migrationBuilder.CreateIndex(
                name: "IX_UpstreamLinks_Protocol_Issuer_SubjectSource_Subject",
                table: "UpstreamLinks",
                columns: new[] { "Protocol", "Issuer", "SubjectSource", "Subject" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CommunityAccounts_PreferredUsername",
                table: "CommunityAccounts",
                column: "PreferredUsername",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_UpstreamLinks_Protocol_Issuer_SubjectSource_Subject",
                table: "UpstreamLinks");

            migrationBuilder.DropIndex(
                name: "IX_CommunityAccounts_PreferredUsername",
                table: "CommunityAccounts");

            migrationBuilder.DropColumn(
                name: "PreferredUsername",
                table: "CommunityAccounts");

            migrationBuilder.CreateIndex(
                name: "IX_UpstreamLinks_Protocol_Issuer_Subject",
                table: "UpstreamLinks",
                columns: new[] { "Protocol", "Issuer", "Subject" },
                unique: true);
        }
    }
}
